import type { RedisClient } from './redis-clients.js';
import { expectReply, isOk, isZeroOrOne } from './redis-reply.js';

/** Extends the lease only while it still holds this term's token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
/** Deletes the lease only while it still holds this term's token (never another's). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A lease in Redis that at most one instance holds: taken with `SET key token NX PX ttl`, renewed and
 * released by scripts that compare the token first. It lapses by itself `ttl` ms after the holder's
 * last renewal, so a dead holder is replaced.
 *
 * Each term (each time this instance takes the lease) has its own token, `<instance>.<term>`: what
 * was prepared during a term can be published only while that very term lasts (the snapshot's
 * publish script compares it), so an old leader's snapshot never replaces a newer one.
 */
export class RedisLease {
  private term = 0;
  /** The token of the current term, null when this instance doesn't hold the lease. */
  private token: string | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** Whether this instance held the lease at the last answer from Redis. */
  get isHeld(): boolean {
    return this.token !== null;
  }

  /** The current term's token, or null: what a snapshot publish is fenced with. */
  get heldToken(): string | null {
    return this.token;
  }

  /** Renews the lease if held, else takes it if free; resolves whether this instance holds it. Rejects when Redis fails. */
  async hold(): Promise<boolean> {
    if (this.token !== null && (await this.renew())) return true;
    const token = `${this.holder}.${this.term + 1}`;
    const reply = await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX');
    if (expectReply('SET NX (lease)', reply, (taken) => taken === null || isOk(taken)) !== 'OK') return false;
    this.term++;
    this.token = token;
    return true;
  }

  /**
   * Extends the lease; resolves false once another instance holds it or it lapsed. When Redis fails
   * the lease is no longer counted as held (it is not confirmed), and the call rejects.
   */
  async renew(): Promise<boolean> {
    const token = this.token;
    if (token === null) return false;
    try {
      const renewed = expectReply('EVAL (lease renewal)', await this.redis.eval(RENEW, 1, this.key, token, this.ttlMs), isZeroOrOne) === 1;
      if (!renewed && this.token === token) this.token = null;
      return renewed;
    } catch (error) {
      if (this.token === token) this.token = null;
      throw error;
    }
  }

  /** Gives the lease up so another instance can take it at once; rejects when Redis fails. */
  async release(): Promise<void> {
    const token = this.token;
    if (token === null) return;
    this.token = null;
    expectReply('EVAL (lease release)', await this.redis.eval(RELEASE, 1, this.key, token), isZeroOrOne);
  }

  /** Forgets the lease without telling Redis (Redis is unreachable; it lapses there by itself). */
  forget(): void {
    this.token = null;
  }
}
