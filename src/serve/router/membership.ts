// Where the router finds its shards: a fixed list (`--shards host:port,…`) or the members
// registered in Redis (`--redis URL`), re-read in the background.
import { UsageError } from '../../errors.js';
import { watchShardMembers } from '../../jobs/shard-registry.js';
import type { ShardTarget } from './shard-client.js';

/** The shards known right now. */
export interface ShardSource {
  /** Where the list comes from, for `/v1/shards` and logs. */
  readonly kind: 'static' | 'redis';
  shards(): readonly ShardTarget[];
  close(): Promise<void>;
}

/** `host:port`, `[v6]:port` or `http://host:port` → `http://host:port`; UsageError otherwise. */
export function shardUrl(spec: string): string {
  const withScheme = /^https?:\/\//.test(spec) ? spec : `http://${spec}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new UsageError(`shard "${spec}" is not host:port`);
  }
  if (u.port === '' || (u.pathname !== '/' && u.pathname !== '') || u.search !== '')
    throw new UsageError(`shard "${spec}" must be host:port (with a port, nothing after it)`);
  return `${u.protocol}//${u.host}`;
}

/** A fixed list of shards (each named by its host:port). */
export function staticShards(specs: readonly string[]): ShardSource {
  const list = specs
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new UsageError('give the shards as --shards host:port,host:port,…');
  const shards = list.map((s) => {
    const url = shardUrl(s);
    return { name: url.replace(/^https?:\/\//, ''), url };
  });
  const urls = new Set(shards.map((s) => s.url));
  if (urls.size !== shards.length) throw new UsageError('a shard is listed twice in --shards');
  return { kind: 'static', shards: () => shards, close: () => Promise.resolve() };
}

/** The shards registered in Redis, read every `refreshMs`. */
export async function redisShards(redis: string, refreshMs: number, onError?: (error: Error) => void): Promise<ShardSource> {
  const watch = await watchShardMembers({ redis, refreshMs, ...(onError ? { onError } : {}) });
  return {
    kind: 'redis',
    shards: () => watch.members().map((m) => ({ name: m.name, url: m.url, index: m.index })),
    close: () => watch.close(),
  };
}
