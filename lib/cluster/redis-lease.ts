import type { RedisClient } from './redis-clients.js';
import { expectReply, isOk, isZeroOrOne } from './redis-reply.js';

/** Extends the lease only while it still holds this instance's token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
/** Deletes the lease only while it still holds this instance's token (never another's). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A lease in Redis that at most one instance holds: taken with `SET key token NX PX ttl`, renewed and
 * released by scripts that compare the token first. It lapses by itself `ttl` ms after the holder's
 * last renewal, so a dead holder is replaced.
 */
export class RedisLease {
  private held = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  /** Whether this instance held the lease at the last answer from Redis. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Renews the lease if held, else takes it if free; resolves whether this instance holds it. Rejects when Redis fails. */
  async hold(): Promise<boolean> {
    if (this.held && (await this.renew())) return true;
    const reply = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    this.held = expectReply('SET NX (lease)', reply, (taken) => taken === null || isOk(taken)) === 'OK';
    return this.held;
  }

  /** Extends the lease; resolves false once another instance holds it or it lapsed. Rejects when Redis fails. */
  async renew(): Promise<boolean> {
    this.held = expectReply('EVAL (lease renewal)', await this.redis.eval(RENEW, 1, this.key, this.token, this.ttlMs), isZeroOrOne) === 1;
    return this.held;
  }

  /** Gives the lease up so another instance can take it at once; rejects when Redis fails. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    expectReply('EVAL (lease release)', await this.redis.eval(RELEASE, 1, this.key, this.token), isZeroOrOne);
  }

  /** Forgets the lease without telling Redis (Redis is unreachable; it lapses there by itself). */
  forget(): void {
    this.held = false;
  }
}
