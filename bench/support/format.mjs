/** Text of a measured value in its unit. */
export function formatValue(value, unit) {
  if (value === null || value === undefined) return '';
  if (unit === 'ops/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M ops/s`;
    return `${(value / 1e3).toFixed(1)} k ops/s`;
  }
  if (unit === 'count') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (unit === 'percent') return `${value.toFixed(2)} %`;
  if (unit === 'bytes') return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

function formatRatio(ratio) {
  if (!ratio) return '';
  const median = `${ratio.median.toFixed(2)}×`;
  return ratio.min === ratio.max ? median : `${median} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

function formatTarget(target, unit) {
  if (!target) return '';
  const bound = target.absolute ? formatValue(target.value, unit) : `${target.value}×`;
  return `${target.op === '>=' ? '≥' : '≤'} ${bound}`;
}

function formatMet(met) {
  if (met === null) return '';
  return met ? 'yes' : '**no**';
}

/**
 * The results as a Markdown table: one line per row of every workload.
 * @param {{ id: number, name: string, rows: import('./rows.mjs').Row[], error?: string }[]} results
 */
export function markdownTable(results) {
  const lines = [
    '| # | workload | measure | this library | baseline | ratio (range) | target | met |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    if (result.error) {
      lines.push(`| ${result.id} | ${result.name} | **failed**: ${result.error.replace(/\|/g, '\\|')} | | | | | |`);
      continue;
    }
    for (const r of result.rows) {
      const baseline = r.baselineName ? `${r.baselineName}: ${formatValue(r.baseline, r.unit)}` : '';
      const measure = r.note ? `${r.measure} (${r.note})` : r.measure;
      lines.push(
        `| ${result.id} | ${result.name} | ${measure} | ${formatValue(r.library, r.unit)} | ${baseline} | ` +
          `${formatRatio(r.ratio)} | ${formatTarget(r.target, r.unit)} | ${formatMet(r.met)} |`,
      );
    }
  }
  return lines.join('\n');
}
