import { UsageError } from '../../errors.js';
import type { App } from '../context.js';
import { redisShards, staticShards, type ShardSource } from './membership.js';
import { buildRouter, type RouterOptions } from './router.js';

/** Options of {@link startRouter}: where the shards are, the router options, where to listen. */
export interface StartRouterOptions extends Omit<RouterOptions, 'shards'> {
  /** Fixed shards, `host:port` each (comma-separated lists accepted). */
  shards?: readonly string[];
  /** Or: read the shards registered in this Redis server (`serve --shard … --redis URL`). */
  redis?: string;
  /** Milliseconds between reads of the Redis membership. Default 1000. */
  refreshMs?: number;
  /** TCP port (0 = any free port). Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Membership refreshes that failed. */
  log?: (message: string) => void;
}

/** A listening router. */
export interface RunningRouter {
  app: App;
  url: string;
  shards: ShardSource;
}

/** Builds the router over its shard source and listens. */
export async function startRouter(o: StartRouterOptions): Promise<RunningRouter> {
  const given = (o.shards?.length ?? 0) > 0;
  if (given === (o.redis !== undefined))
    throw new UsageError('a router needs its shards: --shards host:port,… or --redis URL (one of them)');
  const shards = given
    ? staticShards(o.shards!)
    : await redisShards(o.redis!, o.refreshMs ?? 1000, (e) => o.log?.(`reading the shards from Redis failed: ${e.message}`));
  let app: App;
  try {
    app = await buildRouter({ ...o, shards });
  } catch (error) {
    await shards.close();
    throw error;
  }
  const port = o.port ?? 8080;
  const host = o.host ?? '127.0.0.1';
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use: choose another with --port`);
    throw error;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, shards };
}
