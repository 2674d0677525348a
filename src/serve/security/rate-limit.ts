// Per-client rate limiting with token buckets (one bucket per API token name, or per IP address
// when the request has no valid token): a bucket holds up to `burst` requests and refills at
// `perSecond`; a request that finds it empty gets 429 with Retry-After. Unlike a fixed window, a
// client cannot send 2× the limit across a window boundary.
import { UsageError } from '../../errors.js';

/** A rate: `perSecond` requests on average, up to `burst` at once. */
export interface RateLimit {
  perSecond: number;
  /** Default: one second's worth for a per-second rate, one minute's for a per-minute one (at least 1). */
  burst?: number;
}

/**
 * Parses `N/s`, `N/min` (also `N/sec`, `N/second`, `N/m`, `N/minute`, `N/h`): 10/s → 10 per second,
 * bursts of 10; 60/min → one per second on average, bursts of 60.
 */
export function parseRateLimit(text: string): Required<RateLimit> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i.exec(text);
  if (!m) throw new UsageError(`rate limit "${text}" is not N/s, N/min or N/h (e.g. 20/s)`);
  const n = Number(m[1]);
  if (!(n > 0)) throw new UsageError(`rate limit "${text}" must allow more than 0 requests`);
  const unit = m[2].toLowerCase();
  const seconds = unit.startsWith('s') ? 1 : unit.startsWith('h') ? 3600 : 60;
  return { perSecond: n / seconds, burst: Math.max(1, Math.floor(n)) };
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The answer of {@link TokenBuckets.take}. */
export interface TakeResult {
  ok: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** When refused: seconds until the next request is allowed (≥ 1, for Retry-After). */
  retryAfter: number;
}

/** Token buckets by client key, at most `maxKeys` remembered (the least recently seen are forgotten). */
export class TokenBuckets {
  readonly perSecond: number;
  readonly burst: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    limit: RateLimit,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    if (!(limit.perSecond > 0 && Number.isFinite(limit.perSecond)))
      throw new UsageError(`rateLimit.perSecond must be a positive number, got ${limit.perSecond}`);
    this.perSecond = limit.perSecond;
    this.burst = limit.burst ?? Math.max(1, Math.floor(limit.perSecond));
    if (!(Number.isSafeInteger(this.burst) && this.burst >= 1))
      throw new UsageError(`rateLimit.burst must be an integer ≥ 1, got ${this.burst}`);
  }

  /** Takes one request from `key`'s bucket. */
  take(key: string): TakeResult {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.burst, at: t };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * this.perSecond);
      b.at = t;
      this.buckets.delete(key); // re-inserted below: the Map's order is the least recently seen first
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens), retryAfter: 0 };
    }
    return { ok: false, remaining: 0, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond)) };
  }
}
