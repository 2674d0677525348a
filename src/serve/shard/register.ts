// The Redis side of a shard server: register the running server under its index, with the address
// routers should use, and deregister on shutdown.
import { UsageError } from '../../errors.js';
import { registerShard, type ShardRegistration } from '../../jobs/shard-registry.js';
import { shardUrl } from '../router/membership.js';
import type { RunningServer } from '../start.js';

/** Options of {@link registerRunningShard}. */
export interface ShardRegisterOptions {
  redis: string;
  /** The shard's name among its index's shards. Default: the advertised host:port. */
  shardName?: string;
  /** `host:port` routers reach this server at. Default: the listening address (not 0.0.0.0 / ::). */
  advertise?: string;
  /** Heartbeat key TTL in ms. Default 10,000 (the heartbeat runs every third of it). */
  ttlMs?: number;
  onError?: (error: Error) => void;
}

/** Registers the running server's (only) search index as a shard in Redis. */
export async function registerRunningShard(running: RunningServer, o: ShardRegisterOptions): Promise<ShardRegistration> {
  const indexes = running.resources.filter((r) => r.kind === 'index');
  if (indexes.length !== 1 || running.resources.length !== 1)
    throw new UsageError('a shard server serves exactly one search index (a folder of `embedkit search build`)');
  const own = new URL(running.url);
  if (o.advertise === undefined && (own.hostname === '0.0.0.0' || own.hostname === '[::]'))
    throw new UsageError(`listening on ${own.hostname}: give --advertise host:port, the address routers should use`);
  const url = o.advertise !== undefined ? shardUrl(o.advertise) : running.url;
  return registerShard({
    redis: o.redis,
    member: { index: indexes[0].name, name: o.shardName ?? url.replace(/^https?:\/\//, ''), url },
    ...(o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : {}),
    ...(o.onError ? { onError: o.onError } : {}),
  });
}
