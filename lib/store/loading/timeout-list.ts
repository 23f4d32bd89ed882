import { performance } from 'node:perf_hooks';

/** An entry of a `TimeoutList`; the list links entries through these fields, so adding one allocates nothing. */
export interface TimeoutEntry {
  deadline: number;
  prevEntry: TimeoutEntry | null;
  nextEntry: TimeoutEntry | null;
  /** Called once when the entry's time is up; it must remove the entry from its list. */
  expire(): void;
}

/**
 * Timeouts of one duration without a Node timer per entry: entries of one duration expire in the
 * order they were added, so a doubly linked list and one timer for its oldest entry serve them all.
 * A refresh of many keys adds and removes one entry per load. When the list empties, its timer is
 * unref'd rather than cleared (loads that settle quickly would otherwise set and clear a Node timer
 * each): an empty list never keeps the process alive. When the timer fires on an empty list, `idle`
 * is told, so the owner can drop the list.
 */
export class TimeoutList {
  private head: TimeoutEntry | null = null;
  private tail: TimeoutEntry | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly ms: number,
    private readonly idle: (list: TimeoutList) => void,
  ) {}

  /** Adds `entry`, due `ms` after `now`. */
  add(entry: TimeoutEntry, now: number): void {
    entry.deadline = now + this.ms;
    entry.prevEntry = this.tail;
    entry.nextEntry = null;
    if (this.tail) this.tail.nextEntry = entry;
    else {
      this.head = entry;
      this.timer?.ref(); // it waits for an entry again
    }
    this.tail = entry;
    this.timer ??= setTimeout(this.fire, this.ms);
  }

  remove(entry: TimeoutEntry): void {
    if (entry.prevEntry) entry.prevEntry.nextEntry = entry.nextEntry;
    else if (this.head === entry) this.head = entry.nextEntry;
    else return; // not in the list
    if (entry.nextEntry) entry.nextEntry.prevEntry = entry.prevEntry;
    else this.tail = entry.prevEntry;
    entry.prevEntry = entry.nextEntry = null;
    if (this.head === null) this.timer?.unref();
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = performance.now();
    // Node's timers count whole milliseconds: an entry due within the next one is due now.
    while (this.head !== null && this.head.deadline - now < 1) {
      const entry = this.head;
      entry.expire();
      if (this.head === entry) this.remove(entry);
    }
    // An entry added meanwhile (by an observer that started a load) may have set a timer of its own.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.head === null) this.idle(this);
    else this.timer = setTimeout(this.fire, this.head.deadline - now);
  };
}
