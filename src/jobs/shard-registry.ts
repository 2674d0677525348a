// Shard membership of sharded search in Redis. A shard server (`serve --shard … --redis URL`) keeps
// one key per shard alive with a TTL renewed by a heartbeat, and its name in the set of its index's
// members; a router reads the sets and keeps the members whose key still exists. A shard that stops
// (crash, kill -9, network cut) stops heartbeating, its key expires and routers drop it within
// TTL + their refresh period; a graceful stop deletes the key at once.
import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { PREFIX } from './keys.js';
import { connectRedis } from './redis.js';

/** Set of the index names that have (or had) registered shards. */
export const SHARD_INDEXES_KEY = `${PREFIX}:shards`;

/** Set of the shard names of one index. */
export function shardMembersKey(index: string): string {
  return `${PREFIX}:shards:${index}`;
}

/** The heartbeat key of one shard (its {@link ShardMember} as JSON, with a TTL). */
export function shardKey(index: string, name: string): string {
  return `${PREFIX}:shard:${index}:${name}`;
}

/** One registered shard server. */
export interface ShardMember {
  /** The index it serves: what `/v1/search` takes as `index`, shared by every shard of the index. */
  index: string;
  /** Its name among the index's shards (unique per index). */
  name: string;
  /** Where routers reach it, `http://host:port`. */
  url: string;
  /** Registration time (ms since the epoch). */
  since: number;
}

/** Options of {@link registerShard}. */
export interface RegisterShardOptions {
  redis: string;
  member: Omit<ShardMember, 'since'>;
  /** Milliseconds the key lives without a heartbeat. Default 10,000. */
  ttlMs?: number;
  /** Milliseconds between heartbeats. Default a third of the TTL. */
  heartbeatMs?: number;
  /** A heartbeat that failed (Redis unreachable); the next one retries. */
  onError?: (error: Error) => void;
}

/** A live registration: {@link stop} deregisters. */
export interface ShardRegistration {
  readonly member: ShardMember;
  stop(): Promise<void>;
}

const NAME = /^[A-Za-z0-9[][A-Za-z0-9._:[\]-]*$/;

/** Registers a shard and renews its key until `stop()`; throws when Redis is unreachable at the start. */
export async function registerShard(o: RegisterShardOptions): Promise<ShardRegistration> {
  const ttlMs = o.ttlMs ?? 10_000;
  const heartbeatMs = o.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 3));
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 100) throw new UsageError(`the shard TTL must be at least 100 ms, got ${ttlMs}`);
  if (!Number.isSafeInteger(heartbeatMs) || heartbeatMs < 1 || heartbeatMs >= ttlMs)
    throw new UsageError(`the heartbeat (${heartbeatMs} ms) must be shorter than the TTL (${ttlMs} ms)`);
  for (const [what, value] of [
    ['index', o.member.index],
    ['shard', o.member.name],
  ] as const)
    if (!NAME.test(value)) throw new UsageError(`${what} name "${value}" must be letters, digits, '.', '_', ':' or '-'`);
  const member: ShardMember = { ...o.member, since: Date.now() };
  const key = shardKey(member.index, member.name);
  const value = JSON.stringify(member);
  const client = await connectRedis(o.redis);
  // SADDs on every beat: the sets come back by themselves after a Redis restart without persistence
  const beat = () =>
    client
      .multi()
      .set(key, value, 'PX', ttlMs)
      .sadd(shardMembersKey(member.index), member.name)
      .sadd(SHARD_INDEXES_KEY, member.index)
      .exec();
  await beat();
  let stopped = false;
  const timer = setInterval(() => {
    beat().catch((error: unknown) => {
      if (!stopped) o.onError?.(error as Error);
    });
  }, heartbeatMs);
  timer.unref();
  return {
    member,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // at most 2 s: with Redis down the commands would wait for a reconnection (the key expires anyway)
      const leave = client.multi().del(key).srem(shardMembersKey(member.index), member.name).exec();
      leave.catch(() => undefined); // the disconnect below rejects it when the deadline won
      let deadline: NodeJS.Timeout | undefined;
      try {
        await Promise.race([leave, new Promise((resolve) => (deadline = setTimeout(resolve, 2000)))]);
      } finally {
        clearTimeout(deadline);
        client.disconnect();
      }
    },
  };
}

/** The live shards of every index (members whose key has expired are pruned from the sets). */
export async function readShardMembers(client: Redis): Promise<ShardMember[]> {
  const indexes = (await client.smembers(SHARD_INDEXES_KEY)).sort();
  const out: ShardMember[] = [];
  for (const index of indexes) {
    const names = (await client.smembers(shardMembersKey(index))).sort();
    if (names.length === 0) continue;
    const values = await client.mget(names.map((n) => shardKey(index, n)));
    const gone: string[] = [];
    values.forEach((v, i) => {
      if (v === null) return void gone.push(names[i]);
      try {
        out.push(JSON.parse(v) as ShardMember);
      } catch {
        gone.push(names[i]);
      }
    });
    if (gone.length > 0) await client.srem(shardMembersKey(index), ...gone);
  }
  return out;
}

/** Options of {@link watchShardMembers}. */
export interface WatchShardsOptions {
  redis: string;
  /** Milliseconds between reads of the membership. Default 1000. */
  refreshMs?: number;
  /** A refresh failed (the last known members are kept meanwhile). */
  onError?: (error: Error) => void;
}

/** The membership as last read from Redis, refreshed in the background. */
export interface ShardWatch {
  members(): readonly ShardMember[];
  /** Reads the membership now. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** Reads the membership once (throws when Redis is unreachable), then every `refreshMs`. */
export async function watchShardMembers(o: WatchShardsOptions): Promise<ShardWatch> {
  const refreshMs = o.refreshMs ?? 1000;
  if (!Number.isSafeInteger(refreshMs) || refreshMs < 10)
    throw new UsageError(`the refresh period must be at least 10 ms, got ${refreshMs}`);
  const client = await connectRedis(o.redis);
  let current: readonly ShardMember[] = [];
  let running: Promise<void> | undefined;
  const refresh = () =>
    (running ??= readShardMembers(client)
      .then((m) => void (current = m))
      .finally(() => (running = undefined)));
  try {
    await refresh();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => o.onError?.(error as Error));
  }, refreshMs);
  timer.unref();
  return {
    members: () => current,
    refresh,
    close() {
      clearInterval(timer);
      running?.catch(() => undefined);
      client.disconnect(); // a refresh waiting for Redis fails now instead of holding the close
      return Promise.resolve();
    },
  };
}
