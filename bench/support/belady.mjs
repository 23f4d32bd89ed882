// Belady's OPT for demand fill: on a miss with a full cache, drop whichever of the resident keys and
// the newcomer is next used farthest in the future (the newcomer itself need not be kept).

/** For each request, the index of the next request of the same key (Infinity when none). */
function nextUses(trace) {
  const next = new Float64Array(trace.length);
  const seen = new Map();
  for (let i = trace.length - 1; i >= 0; i--) {
    next[i] = seen.get(trace[i]) ?? Infinity;
    seen.set(trace[i], i);
  }
  return next;
}

/** A max-heap of [next use, key] pairs; stale pairs (a key read again since) are skipped when popped. */
class FarthestFirst {
  uses = [];
  keys = [];

  push(use, key) {
    let i = this.uses.length;
    this.uses.push(use);
    this.keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.uses[parent] >= use) break;
      this.uses[i] = this.uses[parent];
      this.keys[i] = this.keys[parent];
      i = parent;
    }
    this.uses[i] = use;
    this.keys[i] = key;
  }

  peekUse() {
    return this.uses[0];
  }

  peekKey() {
    return this.keys[0];
  }

  pop() {
    const lastUse = this.uses.pop();
    const lastKey = this.keys.pop();
    const size = this.uses.length;
    if (size === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.uses[child + 1] > this.uses[child]) child++;
      if (this.uses[child] <= lastUse) break;
      this.uses[i] = this.uses[child];
      this.keys[i] = this.keys[child];
      i = child;
    }
    this.uses[i] = lastUse;
    this.keys[i] = lastKey;
  }
}

/** Hits of Belady's OPT over `trace` with room for `capacity` keys. */
export function optimalHits(trace, capacity) {
  const next = nextUses(trace);
  const nextUseOf = new Map(); // resident key → its next use
  const heap = new FarthestFirst();
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i];
    const use = next[i];
    if (nextUseOf.has(key)) {
      hits++;
      nextUseOf.set(key, use);
      heap.push(use, key);
      continue;
    }
    if (nextUseOf.size >= capacity) {
      while (nextUseOf.get(heap.peekKey()) !== heap.peekUse()) heap.pop();
      if (heap.peekUse() <= use) continue; // the newcomer is needed last: it is the one dropped
      nextUseOf.delete(heap.peekKey());
      heap.pop();
    }
    nextUseOf.set(key, use);
    heap.push(use, key);
  }
  return hits;
}
