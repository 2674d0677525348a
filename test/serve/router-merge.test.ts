import { describe, expect, it } from 'vitest';
import { compareIds, mergeTopK } from '../../src/serve/router/merge.js';
import { combineReplies } from '../../src/serve/router/router.js';
import { shardUrl, staticShards } from '../../src/serve/router/membership.js';
import type { ShardReply } from '../../src/serve/router/shard-client.js';

const shard = (name: string) => ({ name, url: `http://${name}` });

describe('mergeTopK', () => {
  it('takes the best scores of all lists, ties by id, each id once', () => {
    const a = [
      { id: 'b', score: 0.9 },
      { id: 3, score: 0.5 },
    ];
    const b = [
      { id: 'a', score: 0.9 },
      { id: 'b', score: 0.7 },
      { id: 2, score: 0.5 },
    ];
    expect(mergeTopK([a, b], 10).map((h) => h.id)).toEqual(['a', 'b', 2, 3]);
    expect(mergeTopK([b, a], 3).map((h) => h.id)).toEqual(['a', 'b', 2]);
    expect(mergeTopK([a, b], 2)[1]).toEqual({ id: 'b', score: 0.9 });
    expect(mergeTopK([], 5)).toEqual([]);
  });

  it('orders ids numbers first, then strings by code units; 1 and "1" are distinct', () => {
    expect([10, 'z', 2, 'B', 'a'].sort(compareIds)).toEqual([2, 10, 'B', 'a', 'z']);
    expect(mergeTopK([[{ id: 1, score: 1 }], [{ id: '1', score: 1 }]], 5).map((h) => h.id)).toEqual([1, '1']);
  });
});

describe('combineReplies', () => {
  const ok = (name: string, results: unknown): ShardReply => ({ ok: true, shard: shard(name), body: { results } });
  const fail = (name: string, status: number | undefined, error: string): ShardReply => ({
    ok: false,
    shard: shard(name),
    ...(status !== undefined ? { status, body: { error: { code: 'x', message: error } } } : {}),
    error,
  });

  it('is partial and names the failed shards when some answer', () => {
    const r = combineReplies([ok('a:1', [{ id: 1, score: 0.5 }]), fail('b:1', undefined, 'ECONNREFUSED'), ok('c:1', 'junk')], 5);
    expect(r.results).toEqual([{ id: 1, score: 0.5 }]);
    expect(r.partial).toBe(true);
    expect(r.failed).toEqual([
      { shard: 'b:1', url: 'http://b:1', error: 'ECONNREFUSED' },
      { shard: 'c:1', url: 'http://c:1', error: 'the reply has no results list' },
    ]);
  });

  it('passes on a 4xx that every shard gave, else 503', () => {
    expect(() => combineReplies([fail('a:1', 400, 'bad vector'), fail('b:1', 400, 'bad vector')], 5)).toThrow(/bad vector/);
    expect(() => combineReplies([fail('a:1', 400, 'bad'), fail('b:1', undefined, 'ECONNREFUSED')], 5)).toThrow(
      /no shard answered: a:1: bad; b:1: ECONNREFUSED/,
    );
  });
});

describe('shard lists', () => {
  it('reads host:port lists and refuses anything else', () => {
    expect(shardUrl('10.0.0.1:8081')).toBe('http://10.0.0.1:8081');
    expect(shardUrl('[::1]:8081')).toBe('http://[::1]:8081');
    expect(shardUrl('http://h:1')).toBe('http://h:1');
    expect(() => shardUrl('host')).toThrow(/host:port/);
    expect(() => shardUrl('h:1/x')).toThrow(/host:port/);
    expect(
      staticShards(['a:1,b:2', 'c:3'])
        .shards()
        .map((s) => s.name),
    ).toEqual(['a:1', 'b:2', 'c:3']);
    expect(() => staticShards(['a:1,a:1'])).toThrow(/twice/);
    expect(() => staticShards([' , '])).toThrow(/--shards/);
  });
});
