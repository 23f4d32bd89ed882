import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import request from 'supertest';
import { findCommand } from '../../scripts/provision/find-command.mjs';
import { startSample, stopSample, type Sample } from '../support/sample-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

/** The screenshot the README shows, taken by this test. */
const SCREENSHOT = resolve('docs/board.png');

/** Flags that keep a headless Chromium to itself: no network but the page's, no first-run work. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let sample: Sample;
let browser: Browser;
let page: Page;
/** What the page reported as an error: script errors, failed loads, policy violations. */
const pageErrors: string[] = [];

beforeAll(async () => {
  temp = await makeTempDir('ncw-board-browser-');
  sample = await startSample({
    WIDGET_DUMP_FILE: join(temp.dir, 'widgets.dump'),
    CACHE_BOARD_WRITABLE: '1',
    CACHE_BOARD_SAMPLE_MS: '1000',
  });
  const executablePath = findCommand('chromium');
  if (executablePath === null) throw new Error('chromium was not found: run `node scripts/provision/provision.mjs`');
  const userDataDir = join(temp.dir, 'chromium-profile');
  await mkdir(userDataDir);
  browser = await puppeteer.launch({ executablePath, headless: true, userDataDir, args: CHROMIUM_FLAGS });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  await page.setViewport({ width: 1200, height: 540 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (sample) await stopSample(sample);
  await temp?.remove();
});

/** Reads widgets for a few seconds, the way users would: many hits, some misses, a few unknown ids. */
async function traffic(seconds: number): Promise<void> {
  const http = request(`http://127.0.0.1:${sample.port}`);
  const end = Date.now() + seconds * 1000;
  for (let round = 0; Date.now() < end; round++) {
    const ids = Array.from({ length: 8 }, (_, i) => String(((round * 3 + i * 5) % (8 + round)) + 1));
    if (round % 4 === 3) ids.push(`9${round}000`); // unknown: a load error
    await Promise.all(ids.map((id) => http.get(`/widgets/${id}`)));
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The text a person sees in the element. */
const text = (selector: string) => page.$eval(selector, (node) => (node as unknown as { innerText: string }).innerText.trim());

/** Waits until the text of the element matches. */
async function textMatches(selector: string, pattern: RegExp, timeoutMs?: number): Promise<string> {
  await waitFor(async () => pattern.test(await text(selector).catch(() => '')), `${selector} to show ${pattern}`, timeoutMs);
  return text(selector);
}
const widgets = '[data-bucket="widgets"]';

describe('the cache board in Chromium, on the sample app', () => {
  it('shows the buckets with charts of real data, and its refresh button refreshes and updates the page', async () => {
    await traffic(5);
    await page.goto(`http://127.0.0.1:${sample.port}/cache-worker`);

    // The bucket, with the numbers the app reports.
    await page.waitForSelector(`${widgets} h2`);
    expect(await text(`${widgets} h2`)).toBe('widgets');
    const stats = (await request(`http://127.0.0.1:${sample.port}`).get('/stats').expect(200)).body;
    await textMatches(`${widgets} [data-field="entries"]`, new RegExp(`^${stats.size}$`));
    expect(await text(`${widgets} [data-field="hitRatio"]`)).toMatch(/^\d+\.\d %$/);
    expect(Number(await text(`${widgets} [data-field="loadErrors"]`))).toBeGreaterThan(0);
    expect(await text(`${widgets} [data-field="clusterRole"]`)).toBe('local');
    expect(await text(`${widgets} [data-field="health"]`)).toBe('up');

    // Charts drawn from the samples: a line of several points in each.
    for (const chart of ['hitRatio', 'loadsPerSecond', 'entries']) {
      await page.waitForSelector(`${widgets} svg[data-chart="${chart}"] polyline`);
      const points = await page.$eval(`${widgets} svg[data-chart="${chart}"] polyline`, (line) => line.getAttribute('points')!.split(' '));
      expect(points.length).toBeGreaterThanOrEqual(2);
    }
    const drawnWidth = await page.$eval(`${widgets} svg[data-chart="entries"] polyline`, (line) => line.getBoundingClientRect().width);
    expect(drawnWidth).toBeGreaterThan(50);

    // A key lookup: present, and no value shown (the sample does not set showValues).
    await page.type(`${widgets} input[name="key"]`, '3');
    await page.click(`${widgets} button[data-action="lookup"]`);
    expect(await textMatches(`${widgets} [data-field="lookup"]`, /cached/)).toBe('3 is cached (values are not shown)');

    // Refresh now: the button works and the page shows the new refresh.
    expect(await text(`${widgets} [data-field="lastRefresh"]`)).toMatch(/^never/);
    await page.click(`${widgets} button[data-action="refresh"]`);
    await textMatches(`${widgets} [data-field="message"]`, /^refreshed \d+/, 20_000);
    const after = (await request(`http://127.0.0.1:${sample.port}`).get('/stats').expect(200)).body;
    expect(after.refreshes).toBe(1);
    const { refreshed, failed } = after.lastRefreshResult;
    expect(await text(`${widgets} [data-field="message"]`)).toMatch(new RegExp(`^refreshed ${refreshed}, failed ${failed}, skipped 0 in `));
    expect(await text(`${widgets} [data-field="lastRefresh"]`)).toMatch(/^just now/);
    expect(await text(`${widgets} [data-field="refreshResult"]`)).toMatch(new RegExp(`^${refreshed} ok, ${failed} failed`));

    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
