// Rate limiting over real HTTP: 429 with Retry-After and the JSON error shape once a client's
// bucket is empty, one bucket per token (per IP without a valid token); and the token bucket's
// refill on a controlled clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { parseRateLimit, TokenBuckets } from '../../src/serve/security/rate-limit.js';
import { load, writeTinyVectors } from './fixtures.js';
import { call, listen } from './security-helpers.js';

let dir: string;
let resources: Resource[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-rate-'));
  resources = await load([['tiny', writeTinyVectors(dir)]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token has used its requests; other tokens keep theirs', async () => {
    // 2 per minute: a burst of 2, then one every 30 s — the third request within a test is refused
    const live = await listen({
      models: resources,
      tokens: [
        { name: 'a', token: 'token-a-123', scopes: ['read'] },
        { name: 'b', token: 'token-b-456', scopes: ['read'] },
      ],
      rateLimit: '2/min',
    });
    try {
      const first = await call(live, 'GET', '/v1/models', { token: 'token-a-123' });
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit-limit')).toBe('2');
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      expect((await call(live, 'POST', '/v1/similar', { token: 'token-a-123', body: { word: 'cat' } })).status).toBe(200);
      const third = await call(live, 'GET', '/v1/models', { token: 'token-a-123' });
      expect(third.status).toBe(429);
      const retry = Number(third.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(29);
      expect(retry).toBeLessThanOrEqual(30);
      expect(third.json).toEqual({
        error: { code: 'too_many_requests', message: `rate limit of 2 requests/min exceeded (bursts of 2): retry in ${retry} s` },
      });
      expect((await call(live, 'GET', '/v1/models', { token: 'token-b-456' })).status).toBe(200);
      // /healthz is not limited
      for (let i = 0; i < 3; i++) expect((await call(live, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await live.app.close();
    }
  });

  it('limits by IP without tokens, and counts wrong-token guesses against the IP', async () => {
    const open = await listen({ models: resources, rateLimit: { perSecond: 1 / 60, burst: 1 } });
    try {
      expect((await call(open, 'GET', '/v1/models')).status).toBe(200);
      expect((await call(open, 'GET', '/v1/models')).status).toBe(429);
    } finally {
      await open.app.close();
    }
    const guarded = await listen({ models: resources, tokens: [{ name: 'a', token: 'token-a-123', scopes: ['read'] }], rateLimit: '2/h' });
    try {
      expect((await call(guarded, 'GET', '/v1/models', { token: 'guess-1' })).status).toBe(401);
      expect((await call(guarded, 'GET', '/v1/models', { token: 'guess-2' })).status).toBe(401);
      const third = await call(guarded, 'GET', '/v1/models', { token: 'guess-3' });
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(1700);
      // the real token has its own bucket
      expect((await call(guarded, 'GET', '/v1/models', { token: 'token-a-123' })).status).toBe(200);
    } finally {
      await guarded.app.close();
    }
  });
});

describe('token buckets', () => {
  it('refill at the rate, up to the burst', () => {
    let t = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, 100, () => t);
    expect([1, 2, 3, 4].map(() => buckets.take('k').ok)).toEqual([true, true, true, false]);
    expect(buckets.take('k').retryAfter).toBe(1);
    t = 0.5; // one request refilled
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('k').ok).toBe(false);
    t = 100; // full again, never above the burst
    expect([1, 2, 3, 4].map(() => buckets.take('k').ok)).toEqual([true, true, true, false]);
  });

  it('forget the least recently seen clients past maxKeys', () => {
    const buckets = new TokenBuckets({ perSecond: 1e-6, burst: 1 }, 2, () => 0);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('b').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
    expect(buckets.take('c').ok).toBe(true); // evicts b (a was seen more recently)
    expect(buckets.take('a').ok).toBe(false);
    expect(buckets.take('b').ok).toBe(true);
  });

  it('parse N/s, N/min, N/h; refuse anything else', () => {
    expect(parseRateLimit('20/s')).toEqual({ perSecond: 20, burst: 20 });
    expect(parseRateLimit('600/min')).toEqual({ perSecond: 10, burst: 600 });
    expect(parseRateLimit('36 / h')).toEqual({ perSecond: 0.01, burst: 36 });
    expect(() => parseRateLimit('fast')).toThrow(new UsageError('rate limit "fast" is not N/s, N/min or N/h (e.g. 20/s)'));
    expect(() => parseRateLimit('0/s')).toThrow('must allow more than 0 requests');
  });
});
