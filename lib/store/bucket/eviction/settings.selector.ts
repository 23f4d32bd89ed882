import type { AdmissionFilter } from './admission.filter.js';
import { ShadowSpace } from './shadow.space.js';
import { CANDIDATE_SETTINGS, type SpaceSettings } from './space.settings.js';

/** How much of a shadow's past score carries into the next period (about 30 periods of memory). */
const MEMORY = 0.97;
/** Shadows smaller than this see too few keys to tell the settings apart. */
const SHADOW_MIN = 1000;

/**
 * Chooses the resident space's settings by running the same policy under each candidate setting
 * side by side ("shadows" of key hashes, no values) over the same requests, and taking the setting
 * of the shadow that hit most lately (a score decayed every period of one shadow size of requests).
 * A large cache replays only the keys of a hash sample (1 in 2^k) into shadows scaled down alike, so
 * the cost per request stays small. Unlike hill climbing, the settings are compared on the same
 * requests, so no long periods are needed to average out noise: a shift between recency and
 * frequency shows within a few cache sizes of requests.
 */
export class SettingsSelector {
  /** The setting of the shadow that hit most lately. */
  settings: SpaceSettings = CANDIDATE_SETTINGS[0]!;
  private readonly shadows: ShadowSpace[];
  private readonly hits: Float64Array;
  private readonly scores: Float64Array;
  private readonly sampleMask: number;
  private readonly period: number;
  private requests = 0;

  constructor(capacity: number, admission: AdmissionFilter) {
    const sampling = Math.max(1, 2 ** Math.floor(Math.log2(capacity / SHADOW_MIN)));
    const shadowCapacity = Math.max(1, Math.round(capacity / sampling));
    this.sampleMask = sampling - 1;
    this.period = shadowCapacity;
    this.shadows = CANDIDATE_SETTINGS.map((settings) => new ShadowSpace(shadowCapacity, settings, admission));
    this.hits = new Float64Array(this.shadows.length);
    this.scores = new Float64Array(this.shadows.length);
  }

  /** Replays one request for a key hash in every shadow (sampled keys only); `true` when the setting changed. */
  record(hash: number): boolean {
    if ((hash & this.sampleMask) !== 0) return false;
    const shadows = this.shadows;
    for (let i = 0; i < shadows.length; i++) if (shadows[i]!.request(hash)) this.hits[i]++;
    if (++this.requests < this.period) return false;
    this.requests = 0;
    return this.choose();
  }

  clear(): void {
    for (const shadow of this.shadows) shadow.clear();
    this.hits.fill(0);
    this.scores.fill(0);
    this.requests = 0;
    this.settings = CANDIDATE_SETTINGS[0]!;
  }

  private choose(): boolean {
    let best = 0;
    for (let i = 0; i < this.scores.length; i++) {
      this.scores[i] = this.scores[i]! * MEMORY + this.hits[i]!;
      if (this.scores[i]! > this.scores[best]!) best = i;
    }
    this.hits.fill(0);
    const settings = CANDIDATE_SETTINGS[best]!;
    if (settings === this.settings) return false;
    this.settings = settings;
    return true;
  }
}
