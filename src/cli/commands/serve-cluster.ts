// `embedkit serve --shard INDEX` (a server of one index shard, registered in Redis with --redis) and
// `embedkit serve --router` (the router merging the shards' top-k): the sharded search of docs/jobs.md.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { ShardRegisterOptions } from '../../serve/shard/register.js';
import type { StartRouterOptions } from '../../serve/router/start-router.js';
import type { RunningServer } from '../../serve/start.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { int } from '../parse.js';

const ROUTER_FLAGS: readonly LibraryFlag<StartRouterOptions>[] = [
  {
    key: 'shardTimeoutMs',
    flags: '--shard-timeout <ms>',
    description: 'router: how long each shard may take before the answer is partial',
    parse: int(1, 600_000),
    default: 2000,
  },
  {
    key: 'refreshMs',
    flags: '--refresh <ms>',
    description: 'router: how often the Redis membership is read',
    parse: int(10, 600_000),
    default: 1000,
  },
];

const SHARD_FLAGS: readonly LibraryFlag<ShardRegisterOptions>[] = [
  {
    key: 'shardName',
    flags: '--shard-name <name>',
    description: 'shard: its name among the index’s shards (default: host:port)',
    parse: String,
  },
  {
    key: 'advertise',
    flags: '--advertise <host:port>',
    description: 'shard: the address routers reach it at (default: where it listens)',
    parse: String,
  },
  {
    key: 'ttlMs',
    flags: '--shard-ttl <ms>',
    description: 'shard: the membership key expires this long after the last heartbeat',
    parse: int(100, 3_600_000),
    default: 10_000,
  },
];

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The cluster flags of `serve` (what they set is in {@link ServeClusterFlags}). */
export function addServeClusterFlags(command: Command): void {
  command
    .option('--shard <index>', 'serve this search index as one shard of a sharded index (NAME=PATH names it)')
    .option('--router', 'run a router that merges the top-k of shard servers (no models)', false)
    .option('--shards <host:port,…>', 'router: the shard servers (repeatable)', collect)
    .option('--redis <url>', 'shard: register in this Redis; router: read the shards from it (default: $EMBEDKIT_REDIS)');
  addLibraryFlags(command, ROUTER_FLAGS);
  addLibraryFlags(command, SHARD_FLAGS);
}

/** The parsed cluster flags. */
export interface ServeClusterFlags {
  shard?: string;
  router: boolean;
  shards?: string[];
  redis?: string;
}

const redisOf = (o: ServeClusterFlags) => o.redis ?? (process.env.EMBEDKIT_REDIS || undefined);

/** The models a shard server loads: its --shard index only. */
export function shardModels(models: readonly string[], o: ServeClusterFlags): readonly string[] {
  if (o.shard === undefined) {
    if (o.shards !== undefined) throw new UsageError('--shards is a router flag: add --router');
    if (o.redis !== undefined) throw new UsageError('--redis is for a shard (--shard INDEX) or a router (--router)');
    return models;
  }
  if (models.length > 0) throw new UsageError('a shard server serves its --shard index only: give no other models');
  return [o.shard];
}

/** With --shard and a Redis URL: registers the running server; the returned function deregisters. */
export async function registerIfShard(
  running: RunningServer,
  o: ServeClusterFlags & Record<string, unknown>,
  log: (message: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  const redis = redisOf(o);
  if (o.shard === undefined || redis === undefined) return undefined;
  const { registerRunningShard } = await import('../../serve/shard/register.js');
  const registration = await registerRunningShard(running, {
    ...libraryOptions(o, SHARD_FLAGS),
    redis,
    onError: (e) => log(`heartbeat to Redis failed: ${e.message}`),
  });
  const m = registration.member;
  log(`registered as shard "${m.name}" of index "${m.index}" (${m.url})`);
  return () => registration.stop();
}

/** `serve --router`: starts the router; resolves with what `serve` needs to announce and stop it. */
export async function startRouterFromFlags(
  models: readonly string[],
  o: ServeClusterFlags & Record<string, unknown>,
  listen: { port?: number; host?: string; logLevel?: StartRouterOptions['logLevel'] },
  log: (message: string) => void,
) {
  if (models.length > 0 || o.shard !== undefined) throw new UsageError('a router loads no models: give --shards or --redis only');
  const redis = o.shards === undefined ? redisOf(o) : undefined;
  const { startRouter } = await import('../../serve/router/start-router.js');
  const running = await startRouter({
    ...listen,
    ...libraryOptions(o, ROUTER_FLAGS),
    ...(o.shards !== undefined ? { shards: o.shards } : {}),
    ...(redis !== undefined ? { redis } : {}),
    log,
  });
  const list = running.shards.shards();
  log(
    `router listening on ${running.url}/ (${running.shards.kind === 'redis' ? `shards from Redis, ${list.length} now` : `${list.length} shards`})`,
  );
  return running;
}
