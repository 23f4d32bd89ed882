/** Events per key of width between two halvings: long enough for keys just inside and just outside the bound to count apart. */
const EVENTS_PER_KEY = 60;
/** The smallest table, in 32-bit words (32 KiB): a small cache over many keys still counts them apart. */
const MIN_WORDS = 8192;

/**
 * How often keys were seen lately, approximately: a count-min sketch of 4-bit counters (8 per word,
 * 4 per key, 16 per key of width), halved every `60 × width` recorded events so that old popularity
 * fades. Counters saturate at 15; a key's estimate is the least of its 4 counters.
 */
export class FrequencySketch {
  private table: Uint32Array;
  private mask: number;
  private events = 0;
  private sampleSize: number;
  /** The word index and bit shift of a key's 4 counters, between the two passes of `increment`. */
  private readonly cells = new Int32Array(8);

  /** `seed` makes the counter positions unpredictable from outside (per instance). */
  constructor(
    width: number,
    private readonly seed: number,
  ) {
    this.table = new Uint32Array(0);
    this.mask = 0;
    this.sampleSize = 0;
    this.resize(width);
  }

  /** Grows the table to suit `width` resident keys (counts start again; a resize is rare). */
  ensureWidth(width: number): void {
    if (tableLength(width) > this.table.length) this.resize(width);
  }

  /** The estimated recent count of a key hash, 0 to 15. */
  frequency(hash: number): number {
    let least = 15;
    let h = hash ^ this.seed;
    for (let row = 0; row < 4; row++) {
      h = spread(h + row);
      const word = this.table[(h >>> 3) & this.mask]!;
      const count = (word >>> ((h & 7) << 2)) & 15;
      if (count < least) least = count;
    }
    return least;
  }

  /**
   * Counts one event of a key hash: only the key's least counters grow (conservative update), so a
   * counter shared with a frequent key doesn't inflate every other key it holds.
   */
  increment(hash: number): void {
    const table = this.table;
    const cells = this.cells;
    let least = 15;
    let h = hash ^ this.seed;
    for (let row = 0; row < 4; row++) {
      h = spread(h + row);
      const index = (h >>> 3) & this.mask;
      const shift = (h & 7) << 2;
      cells[2 * row] = index;
      cells[2 * row + 1] = shift;
      const count = (table[index]! >>> shift) & 15;
      if (count < least) least = count;
    }
    if (least === 15) return;
    for (let row = 0; row < 4; row++) {
      const index = cells[2 * row]!;
      const shift = cells[2 * row + 1]!;
      if (((table[index]! >>> shift) & 15) === least) table[index] = table[index]! + (1 << shift);
    }
    if (++this.events >= this.sampleSize) this.halve();
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
    this.mask = length - 1;
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
