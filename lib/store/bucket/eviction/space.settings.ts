/** How a windowed space splits its bounds and settles admission. */
export interface SpaceSettings {
  /** The window's share of the bounds, 0 to 1 (1: plain LRU). */
  readonly windowShare: number;
  /** The protected segment's share of the main space (the rest is probation). */
  readonly protectedShare: number;
  /** Whether a newcomer wins admission at equal frequency (recency first) or loses (frequency first). */
  readonly newcomersWinTies: boolean;
}

const setting = (windowShare: number, newcomersWinTies: boolean, protectedShare = 0.8): SpaceSettings => ({
  windowShare,
  protectedShare,
  newcomersWinTies,
});

/**
 * The settings the selector tries side by side, from TinyLFU without a window to plain LRU. The
 * first is where a policy starts: a token window where newcomers win ties is close to LRU while the
 * sketch knows nothing yet, and turns into TinyLFU as counts grow apart.
 */
export const CANDIDATE_SETTINGS: readonly SpaceSettings[] = [
  setting(0.01, true),
  setting(0, false),
  setting(0, false, 0.9),
  setting(0.01, false, 0.5),
  setting(0.4, true),
  setting(1, false),
];
