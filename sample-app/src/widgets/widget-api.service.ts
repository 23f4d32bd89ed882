import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Widget } from './widget.interface.js';

/** How long the pretend remote API takes per call. */
export const WIDGET_API_DELAY_MS = 200;

/** The source knows widgets 1 to this number. */
export const WIDGET_COUNT = 1000;

const COLORS = ['red', 'green', 'blue', 'yellow', 'black'];

/** The error text of an id the source does not know; the service answers it with 404. */
export const widgetNotFound = (id: string) => `widget "${id}" does not exist`;

/**
 * A deliberately slow remote API (200 ms per call, however many widgets a call asks for) that counts
 * its calls, so the sample shows what the cache saves. It honours the abort signal, as a real HTTP
 * client would.
 */
@Injectable()
export class WidgetApi {
  /** How many times the source was called since the application started. */
  calls = 0;

  /** The widgets with these ids that the source knows, by id: one bulk call, like `WHERE id IN (...)`. */
  async getWidgets(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Widget>> {
    this.calls++;
    await sleep(WIDGET_API_DELAY_MS, undefined, { signal });
    const found = new Map<string, Widget>();
    const fetchedAt = new Date().toISOString();
    for (const id of ids) {
      const n = /^[1-9]\d*$/.test(id) ? Number(id) : NaN;
      if (!(n <= WIDGET_COUNT)) continue;
      found.set(id, {
        id,
        name: `Widget ${n}`,
        color: COLORS[n % COLORS.length]!,
        priceCents: 100 + ((n * 7919) % 10_000),
        fetchedAt,
      });
    }
    return found;
  }
}
