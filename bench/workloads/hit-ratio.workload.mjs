import { optimalHits } from '../support/belady.mjs';
import { caffeineRunner } from '../support/caffeine.mjs';
import { BOUND_CHECK_EVERY, bucketHits, lruHits } from '../support/demand-fill.mjs';
import { atLeastAbsolute, row } from '../support/rows.mjs';
import { withTempDir } from '../support/temp-dir.mjs';
import { readTrace, tracesFolder, zipfTrace } from '../support/traces.mjs';

/** The shared traces and the bounds to measure each at (see the traces' README). */
const TRACES = [
  ['loop', [512]],
  ['multi1', [1000]],
  ['multi2', [2000]],
  ['sprite', [500, 1000]],
  ['zigzag', [1000]],
];
const ZIPF_ITEMS = 10_000;
const ZIPF_EXPONENTS = [0.9, 1.0, 1.1];
const ZIPF_BOUNDS = [0.01, 0.1];
const ZIPF_SEED = 20240917;
/** Points a case may fall below the better of LRU and Caffeine; points the mean must rise above Caffeine's. */
const CASE_MARGIN = 2;
const MEAN_MARGIN = 2;

const percent = (hits, requests) => (100 * hits) / requests;

/**
 * Workload 8: hit ratio of demand fill over real traces and a Zipf grid, against Belady's OPT, an
 * exact LRU (lru-cache) and Caffeine (a separate JVM over the same keys). The library's figure comes
 * from the real thing: each case is a Nest application context with one bucket of `maxEntries` = the
 * case's bound and a `load` that answers at once, every request an awaited `fetch`, a hit a result
 * with `loaded: false`. Target per case: at least the better of LRU and Caffeine minus 2 points; on
 * the mean over all cases: Caffeine's mean plus 2 points. The bucket's `size` is checked every 1,024
 * requests and must never pass the bound.
 */
export default {
  id: 8,
  name: 'hit ratio',
  sizes: {
    full: { zipfRequests: 1_000_000, traceRequests: Infinity, caffeine: true },
    quick: { zipfRequests: 200_000, traceRequests: Infinity, caffeine: true },
    smoke: { zipfRequests: 20_000, traceRequests: 20_000, caffeine: false },
  },
  async run({ sizes, log }) {
    return withTempDir(async (folder) => {
      const caffeine = sizes.caffeine ? await caffeineRunner(folder) : { unavailable: 'not run in a smoke run' };
      if (caffeine.unavailable) log(`Caffeine not available: ${caffeine.unavailable}`);
      const cases = [];
      for (const [name, bounds] of TRACES) {
        const whole = await readTrace(name);
        const trace = whole && Number.isFinite(sizes.traceRequests) ? whole.subarray(0, sizes.traceRequests) : whole;
        for (const bound of bounds) cases.push({ label: `${name} @ ${bound}`, trace, bound });
      }
      for (const s of ZIPF_EXPONENTS) {
        const trace = zipfTrace({ items: ZIPF_ITEMS, requests: sizes.zipfRequests, s, seed: ZIPF_SEED });
        for (const share of ZIPF_BOUNDS) cases.push({ label: `zipf s=${s.toFixed(1)} @ ${share * ZIPF_ITEMS}`, trace, bound: share * ZIPF_ITEMS });
      }
      const measured = [];
      for (const [index, { label, trace, bound }] of cases.entries()) {
        if (!trace) {
          measured.push({ label, missing: true });
          continue;
        }
        const ours = await bucketHits(trace, bound, `bench-hit-ratio-${index}`);
        const figures = {
          label,
          requests: trace.length,
          opt: percent(optimalHits(trace, bound), trace.length),
          lru: percent(lruHits(trace, bound), trace.length),
          caffeine: caffeine.run ? percent((await caffeine.run(trace, [bound]))[0], trace.length) : null,
          ours: percent(ours.hits, trace.length),
          checks: ours.checks,
        };
        measured.push(figures);
      }
      log(`\n${detailTable(measured, caffeine)}\n`);
      return rowsOf(measured, caffeine);
    });
  },
};

function rowsOf(measured, caffeine) {
  const rows = [];
  const complete = measured.filter((m) => !m.missing);
  const withCaffeine = caffeine.run !== undefined;
  for (const m of measured) {
    if (m.missing) {
      rows.push(row({ measure: `hit ratio, ${m.label}`, unit: 'percent', library: 0, note: `not available: no trace in ${tracesFolder}` }));
      continue;
    }
    const best = withCaffeine ? Math.max(m.lru, m.caffeine) : m.lru;
    rows.push(
      row({
        measure: `hit ratio, ${m.label}`,
        unit: 'percent',
        library: m.ours,
        baselineName: withCaffeine ? 'better of LRU, Caffeine' : 'LRU (Caffeine not available)',
        baseline: best,
        target: atLeastAbsolute(best - CASE_MARGIN),
        note: `OPT ${m.opt.toFixed(2)}, LRU ${m.lru.toFixed(2)}, Caffeine ${withCaffeine ? m.caffeine.toFixed(2) : 'not available'}`,
      }),
    );
  }
  if (complete.length > 0) {
    const mean = (pick) => complete.reduce((sum, m) => sum + pick(m), 0) / complete.length;
    rows.push(
      row({
        measure: `hit ratio, mean of ${complete.length} cases`,
        unit: 'percent',
        library: mean((m) => m.ours),
        baselineName: withCaffeine ? 'Caffeine' : undefined,
        baseline: withCaffeine ? mean((m) => m.caffeine) : undefined,
        target: withCaffeine ? atLeastAbsolute(mean((m) => m.caffeine) + MEAN_MARGIN) : undefined,
        note: `OPT ${mean((m) => m.opt).toFixed(2)}, LRU ${mean((m) => m.lru).toFixed(2)}${withCaffeine ? '' : ', Caffeine not available'}`,
      }),
    );
    const checks = complete.reduce((sum, m) => sum + m.checks, 0);
    rows.push(
      row({
        measure: `bound checks, every ${BOUND_CHECK_EVERY} requests`,
        unit: 'count',
        library: checks,
        note: 'the resident count never passed the bound',
      }),
    );
  }
  return rows;
}

function detailTable(measured, caffeine) {
  const caffeineName = caffeine.run ? `Caffeine ${caffeine.version}` : 'Caffeine';
  const lines = [
    `| case | requests | OPT | LRU | ${caffeineName} | this library | target | met |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  const fixed = (value) => (value === null ? 'not available' : value.toFixed(2));
  for (const m of measured) {
    if (m.missing) {
      lines.push(`| ${m.label} | not available | | | | | | |`);
      continue;
    }
    const target = Math.max(m.lru, m.caffeine ?? -Infinity) - CASE_MARGIN;
    lines.push(
      `| ${m.label} | ${m.requests} | ${fixed(m.opt)} | ${fixed(m.lru)} | ${fixed(m.caffeine)} | ${fixed(m.ours)} | ≥ ${target.toFixed(2)} | ${m.ours >= target ? 'yes' : '**no**'} |`,
    );
  }
  const complete = measured.filter((m) => !m.missing);
  if (complete.length > 0) {
    const mean = (pick) => complete.reduce((sum, m) => sum + pick(m), 0) / complete.length;
    const caffeineMean = caffeine.run ? mean((m) => m.caffeine) : null;
    const target = caffeineMean === null ? null : caffeineMean + MEAN_MARGIN;
    const ours = mean((m) => m.ours);
    lines.push(
      `| mean | | ${fixed(mean((m) => m.opt))} | ${fixed(mean((m) => m.lru))} | ${fixed(caffeineMean)} | ${fixed(ours)} | ` +
        `${target === null ? '' : `≥ ${target.toFixed(2)}`} | ${target === null ? '' : ours >= target ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}
