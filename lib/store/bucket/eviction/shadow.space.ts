import { SlotAllocator } from '../slot-allocator.js';
import type { AdmissionFilter } from './admission.filter.js';
import { IntegerSlotIndex } from './slot.index.js';
import type { SpaceSettings } from './space.settings.js';
import { WindowedSpace } from './windowed.space.js';

/**
 * A windowed space of key hashes alone (no keys, no values), for the selector to replay requests in:
 * its hashes find their slots through an index of typed arrays, so its constant churn allocates nothing.
 */
export class ShadowSpace {
  private readonly space: WindowedSpace<number>;
  private readonly index: IntegerSlotIndex;
  private readonly allocator = new SlotAllocator();

  constructor(capacity: number, settings: SpaceSettings, admission: AdmissionFilter) {
    this.index = new IntegerSlotIndex(capacity + 1);
    this.space = new WindowedSpace<number>(capacity, Infinity, settings, admission, (slot, hash) => {
      this.index.delete(hash);
      this.allocator.release(slot);
    });
  }

  /** One request for a key hash: whether it hit; a miss inserts it. */
  request(hash: number): boolean {
    const slot = this.index.get(hash);
    if (slot >= 0) {
      this.space.access(slot);
      return true;
    }
    const free = this.allocator.take();
    this.index.set(hash, free);
    this.space.insert(free, hash, hash, 1);
    return false;
  }

  clear(): void {
    this.space.clear();
    this.index.clear();
    this.allocator.clear();
  }
}
