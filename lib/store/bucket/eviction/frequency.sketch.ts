/** Events per key of width between two halvings: long enough for keys just inside and just outside the bound to count apart. */
const EVENTS_PER_KEY = 60;
/** The smallest table, in 32-bit words (32 KiB): a small cache over many keys still counts them apart. */
const MIN_WORDS = 8192;

/**
 * How often keys were seen lately, approximately: a count-min sketch of 4-bit counters (8 per word,
 * 16 per key of width), halved every `60 × width` recorded events so that old popularity fades.
 * A key's 4 counters lie in one block of 16 words (64 bytes, one cache line), one counter in each
 * quarter of the block; its estimate is the least of them, and counters saturate at 15.
 */
export class FrequencySketch {
  private table: Uint32Array;
  private blockMask: number;
  private events = 0;
  private sampleSize: number;

  /** `seed` makes the counter positions unpredictable from outside (per instance). */
  constructor(
    width: number,
    private readonly seed: number,
  ) {
    this.table = new Uint32Array(0);
    this.blockMask = 0;
    this.sampleSize = 0;
    this.resize(width);
  }

  /**
   * Grows the table to suit `width` resident keys; counts start again, which costs nothing while a
   * bucket fills (nothing is evicted yet), and the table doubles, so it happens a few times at most.
   */
  ensureWidth(width: number): void {
    if (width > this.table.length / 2) this.resize(Math.max(width, this.table.length));
  }

  /** The estimated recent count of a key hash, 0 to 15. */
  frequency(hash: number): number {
    const table = this.table;
    const block = this.blockOf(hash);
    let bits = spread(hash ^ ~this.seed);
    let least = 15;
    for (let quarter = 0; quarter < 16; quarter += 4) {
      const count = (table[block + quarter + (bits & 3)]! >>> (((bits >>> 2) & 7) << 2)) & 15;
      if (count < least) least = count;
      bits >>>= 5;
    }
    return least;
  }

  /**
   * Counts one event of a key hash: only the key's least counters grow (conservative update), so a
   * counter shared with a frequent key doesn't inflate every other key it holds.
   */
  increment(hash: number): void {
    const table = this.table;
    const block = this.blockOf(hash);
    const bits = spread(hash ^ ~this.seed);
    // The 4 counters' words and shifts, in locals: one pass finds the least, the second grows it.
    const w0 = block + (bits & 3);
    const w1 = block + 4 + ((bits >>> 5) & 3);
    const w2 = block + 8 + ((bits >>> 10) & 3);
    const w3 = block + 12 + ((bits >>> 15) & 3);
    const s0 = ((bits >>> 2) & 7) << 2;
    const s1 = ((bits >>> 7) & 7) << 2;
    const s2 = ((bits >>> 12) & 7) << 2;
    const s3 = ((bits >>> 17) & 7) << 2;
    const c0 = (table[w0]! >>> s0) & 15;
    const c1 = (table[w1]! >>> s1) & 15;
    const c2 = (table[w2]! >>> s2) & 15;
    const c3 = (table[w3]! >>> s3) & 15;
    const least = Math.min(c0, c1, c2, c3);
    if (least === 15) return;
    if (c0 === least) table[w0] = table[w0]! + (1 << s0);
    if (c1 === least) table[w1] = table[w1]! + (1 << s1);
    if (c2 === least) table[w2] = table[w2]! + (1 << s2);
    if (c3 === least) table[w3] = table[w3]! + (1 << s3);
    if (++this.events >= this.sampleSize) this.halve();
  }

  private blockOf(hash: number): number {
    return (spread(hash ^ this.seed) & this.blockMask) << 4;
  }

  /** Forgets every count (the bucket was cleared). */
  clear(): void {
    this.table.fill(0);
    this.events = 0;
  }

  private halve(): void {
    const table = this.table;
    for (let i = 0; i < table.length; i++) table[i] = (table[i]! >>> 1) & 0x77777777;
    this.events = this.events >>> 1;
  }

  private resize(width: number): void {
    const length = tableLength(width);
    this.table = new Uint32Array(length);
    this.blockMask = length / 16 - 1;
    this.sampleSize = EVENTS_PER_KEY * Math.max(width, 16);
    this.events = 0;
  }
}

/** Two 32-bit words (16 counters) per key, as a power of two. */
function tableLength(width: number): number {
  const wanted = Math.max(MIN_WORDS, 2 * Math.min(width, 1 << 26));
  return 2 ** Math.ceil(Math.log2(wanted));
}

/** A 32-bit finaliser: every input bit moves every output bit. */
function spread(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return h ^ (h >>> 16);
}
