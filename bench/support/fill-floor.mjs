import { jsonFromChild } from './child-json.mjs';

/**
 * Runs `fill-floor-child.mjs` for `count` entries and resolves to what it measured:
 * { fill, replace }, each { wallMs, maxMs }.
 * @param {number} count
 */
export async function measureFillFloor(count) {
  const figures = await jsonFromChild('fill-floor-child.mjs', [String(count)]);
  if (figures.size !== count) throw new Error(`workload 20: the plain fill holds ${figures.size} of ${count} entries`);
  return figures;
}
