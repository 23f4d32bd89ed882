/** A widget as the remote source describes it. */
export interface Widget {
  id: string;
  name: string;
  color: string;
  priceCents: number;
  /** When the source produced this copy: it changes on every load, so a refresh is visible. */
  fetchedAt: string;
}
