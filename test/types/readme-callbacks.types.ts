import {
  CacheWorker,
  CacheWorkerStore,
  type CacheWorkerConfig,
  type InitResult,
  type LoadContext,
  type LoadResult,
} from '../../lib/index.js';

// Compiled by `npm run typecheck`, never run: the README's example of every callback ("Callbacks you
// write"), as written there.

interface PriceFields {
  symbol: string;
  amount: number;
  updatedAt: Date;
}
class Price implements PriceFields {
  symbol: string;
  amount: number;
  updatedAt: Date;
  constructor(fields: PriceFields) {
    ({ symbol: this.symbol, amount: this.amount, updatedAt: this.updatedAt } = fields);
  }
}
interface PriceApi {
  get(symbol: string, options: { signal: AbortSignal }): Promise<Price | null>;
  popular(): Promise<Price[]>;
}

// --- from the README ---
@CacheWorker({ bucket: 'prices', file: '/var/cache/prices.dump', refreshInterval: 60_000 })
export class PriceStore extends CacheWorkerStore<string, Price> {
  constructor(private readonly api: PriceApi) { super(); }

  async load(symbol: string, { signal }: LoadContext): Promise<LoadResult<Price>> {
    const price = await this.api.get(symbol, { signal });
    return price ? { ok: true, value: price } : { ok: false, error: `no price for ${symbol}` };
  }

  override async init(config: CacheWorkerConfig): Promise<InitResult<string, Price>> {
    if (config.file === null) return { warn: 'no dump file: the popular prices are loaded at each start' };
    const popular = await this.api.popular();
    return { ok: true, seed: new Map(popular.map((price) => [price.symbol, price])) };
  }

  override refreshFilter(symbol: string, fresh: Price, old: Price): boolean {
    return fresh.updatedAt >= old.updatedAt; // an older answer never replaces a newer one
  }

  override revive(value: unknown): Price {
    return new Price(value as PriceFields); // a dump keeps the fields, not the class
  }
}
// --- end of the README's example ---
