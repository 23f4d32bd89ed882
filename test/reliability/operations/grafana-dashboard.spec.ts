import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { CacheWorkerModule } from '../../../lib/index.js';
import { CacheWorkerMetricsModule } from '../../../lib/metrics/index.js';
import { bootApp } from '../../support/nest-app.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { readAndRefresh, Source, sourceStore } from '../support/source.js';

const root = join(import.meta.dirname, '..', '..', '..');
const DASHBOARD = 'dashboards/grafana/cache-worker.json';

/** Labels Prometheus adds to every series it scrapes: a query may group by them though no registry has them. */
const TARGET_LABELS = new Set(['instance', 'job']);
/** The PromQL functions, aggregations and keywords the dashboard may use. */
const PROMQL_WORDS = new Set(['sum', 'by', 'rate', 'increase', 'histogram_quantile', 'max', 'min', 'avg']);

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ datasource: { uid: string } }>;
}

/** Every series name the registry exports (histograms as `_bucket`, `_sum`, `_count`), with its label names. */
async function exportedSeries(registry: Registry): Promise<Map<string, Set<string>>> {
  const series = new Map<string, Set<string>>();
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values as Array<{ metricName?: string; labels: Record<string, unknown> }>) {
      const name = value.metricName ?? metric.name;
      const labels = series.get(name) ?? new Set<string>();
      for (const label of Object.keys(value.labels)) labels.add(label);
      series.set(name, labels);
    }
  }
  return series;
}

/** Every PromQL query of the dashboard, wherever it sits: panel targets and query variables. */
function queriesOf(node: unknown, found: Array<{ expr: string; legend?: string }> = []) {
  if (Array.isArray(node)) for (const item of node) queriesOf(item, found);
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.expr === 'string') found.push({ expr: record.expr, legend: record.legendFormat as string | undefined });
    if (record.type === 'query' && typeof record.definition === 'string') found.push({ expr: record.definition });
    for (const value of Object.values(record)) queriesOf(value, found);
  }
  return found;
}

/**
 * What one query names: metric selectors with the labels they match on, the labels it groups by, and
 * any word left over that is neither (a misspelt function or a bare metric name would land there).
 */
function parseQuery(expr: string) {
  const selectors: Array<{ metric: string; labels: string[] }> = [];
  const grouped: string[] = [];
  let rest = expr.replace(/\[[^\]]*\]/g, ' '); // range selectors such as [$__rate_interval]
  rest = rest.replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g, (_match, metric: string, matchers: string) => {
    selectors.push({ metric, labels: [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!) });
    return ' ';
  });
  rest = rest.replace(/\bby\s*\(([^)]*)\)/g, (_match, labels: string) => {
    grouped.push(...labels.split(',').map((label) => label.trim()));
    return ' ';
  });
  const variable = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(expr);
  if (variable) {
    selectors.push({ metric: variable[1]!, labels: [variable[2]!] });
    rest = '';
  }
  const words = (rest.replace(/"[^"]*"/g, ' ').match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((word) => !PROMQL_WORDS.has(word));
  return { selectors, grouped, words };
}

describe('the Grafana dashboard', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let app: INestApplication;
  const registry = new Registry();
  let series: Map<string, Set<string>>;
  let dashboard: { templating: { list: Array<{ name: string }> }; panels: Panel[] };

  beforeAll(async () => {
    temp = await makeTempDir();
    const source = new Source();
    const Store = sourceStore({ bucket: 'widgets', refreshInterval: null, file: join(temp.dir, 'widgets.dump') }, source);
    app = await bootApp([CacheWorkerModule.forFeature([Store]), CacheWorkerMetricsModule.forRoot({ registry })]);
    // Real traffic, so that every series exists: hits, misses, a failed load, a refresh and its dump.
    await readAndRefresh(app.get(Store), source);
    series = await exportedSeries(registry);
    dashboard = JSON.parse(await readFile(join(root, DASHBOARD), 'utf8'));
  });

  afterAll(async () => {
    await app.close();
    await temp.remove();
  });

  it('has queries, each naming at least one metric', () => {
    const queries = queriesOf(dashboard);
    expect(queries.length).toBeGreaterThan(10);
    expect(queries.filter(({ expr }) => parseQuery(expr).selectors.length === 0)).toEqual([]);
  });

  it('names only metrics the Prometheus module exports, with labels they carry', () => {
    expect(series.size).toBeGreaterThan(10); // the registry really holds the module's metrics
    const wrong: string[] = [];
    for (const { expr, legend } of queriesOf(dashboard)) {
      const { selectors, grouped, words } = parseQuery(expr);
      const labels = new Set(TARGET_LABELS);
      for (const { metric, labels: matched } of selectors) {
        const exported = series.get(metric);
        if (!exported) {
          wrong.push(`${expr}: no metric ${metric}`);
          continue;
        }
        for (const label of exported) labels.add(label);
        for (const label of matched) if (!exported.has(label)) wrong.push(`${expr}: ${metric} has no label ${label}`);
      }
      for (const label of grouped) if (!labels.has(label)) wrong.push(`${expr}: groups by ${label}, which no metric of it has`);
      for (const word of words) wrong.push(`${expr}: unknown word ${word}`);
      for (const [, label] of legend?.matchAll(/\{\{\s*(\w+)\s*\}\}/g) ?? []) {
        if (!grouped.includes(label!)) wrong.push(`${expr}: legend shows ${label}, which the query does not keep`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('filters every panel query by its bucket variable', () => {
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(expect.arrayContaining(['datasource', 'bucket']));
    const unfiltered = queriesOf(dashboard)
      .filter(({ expr }) => !expr.startsWith('label_values('))
      .flatMap(({ expr }) => parseQuery(expr).selectors.filter((selector) => !selector.labels.includes('bucket')).map(() => expr));
    expect(unfiltered).toEqual([]);
    for (const { expr } of queriesOf(dashboard)) if (!expr.startsWith('label_values(')) expect(expr).toContain('bucket=~"$bucket"');
  });

  it('lays its panels out on Grafana’s 24-column grid without overlaps, each reading the chosen data source', () => {
    const { panels } = dashboard;
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    const cells = new Map<string, string>();
    for (const { title, gridPos, datasource, targets } of panels) {
      expect({ title, fits: gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24 }).toEqual({ title, fits: true });
      for (const source of [datasource, ...targets.map((target) => target.datasource)]) expect(source.uid).toBe('${datasource}');
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect({ cell: `${x},${y}`, taken: cells.get(`${x},${y}`), by: title }).toEqual({ cell: `${x},${y}`, taken: undefined, by: title });
          cells.set(`${x},${y}`, title);
        }
      }
    }
  });

  it('ships in the package', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    expect(packed!.files.map((file) => file.path)).toContain(DASHBOARD);
  });
});
