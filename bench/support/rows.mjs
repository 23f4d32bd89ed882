/**
 * One line of the results table (and of the JSON). `ratio` is library ÷ baseline, as a median with
 * its per-round range when the measure was repeated; `met` compares the median with the target.
 *
 * A target is a bound on the ratio, or (`absolute`) on the library's own figure in its unit.
 * @typedef {{ op: '>=' | '<=', value: number, absolute?: boolean }} Target
 * @typedef {{ median: number, min: number, max: number }} Ratio
 * @typedef {{
 *   measure: string,
 *   unit: 'ops/s' | 'ms' | 'bytes' | 'count' | 'percent',
 *   library: number,
 *   baselineName: string | null,
 *   baseline: number | null,
 *   ratio: Ratio | null,
 *   target: Target | null,
 *   met: boolean | null,
 *   note?: string,
 * }} Row
 */

/**
 * Builds a row; a single measurement becomes a ratio with an empty range.
 * @param {{ measure: string, unit: Row['unit'], library: number, baselineName?: string,
 *   baseline?: number, ratio?: Ratio | number, target?: Target, note?: string }} fields
 * @returns {Row}
 */
export function row({ measure, unit, library, baselineName, baseline, ratio, target, note }) {
  const summary = typeof ratio === 'number' ? { median: ratio, min: ratio, max: ratio } : (ratio ?? null);
  const judged = target?.absolute ? library : summary?.median;
  const met = target && judged !== undefined ? compare(judged, target) : null;
  return {
    measure,
    unit,
    library,
    baselineName: baselineName ?? null,
    baseline: baseline ?? null,
    ratio: summary,
    target: target ?? null,
    met,
    ...(note ? { note } : {}),
  };
}

/** `at least n` or `at most n` as a target. */
export const atLeast = (value) => ({ op: '>=', value });
export const atMost = (value) => ({ op: '<=', value });
/** At most `value` in the row's own unit (not a ratio). */
export const atMostAbsolute = (value) => ({ op: '<=', value, absolute: true });
/** At least `value` in the row's own unit (not a ratio). */
export const atLeastAbsolute = (value) => ({ op: '>=', value, absolute: true });

function compare(value, target) {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}
