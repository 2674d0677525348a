// Connections to the Redis server the cluster shares. One probe first (no retries, a short timeout),
// so an unreachable server is one clear error instead of a client retrying forever in the background.
import { EmbedkitError, UsageError } from '../errors.js';
import { loadJobPackages } from './packages.js';
import type { Redis } from 'ioredis';

/** Checks a `redis://[user:pass@]host[:port][/db]` (or `rediss://`) URL; UsageError otherwise. */
export function checkRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis expects a URL like redis://host:6379, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new UsageError(`--redis expects a redis:// or rediss:// URL, got '${url}'`);
  if (parsed.hostname === '') throw new UsageError(`--redis URL '${url}' names no host`);
  return parsed;
}

/** The URL without its password, for messages and status output. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Options of {@link connectRedis}. */
export interface ConnectOptions {
  /** Milliseconds the first connection may take. Default 5000. */
  timeoutMs?: number;
}

/**
 * Opens a connection for BullMQ (`maxRetriesPerRequest: null`, reconnecting after a drop) once a
 * probe connection has answered PING. EmbedkitError `cannot reach Redis at URL: …` when it does not.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  checkRedisUrl(url);
  const { ioredis } = await loadJobPackages();
  const RedisClass = (ioredis as unknown as { Redis?: typeof Redis; default: typeof Redis }).Redis ?? ioredis.default;
  const timeoutMs = options.timeoutMs ?? 5000;
  const probe = new RedisClass(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: NodeJS.ErrnoException | undefined;
  probe.on('error', (error: NodeJS.ErrnoException) => (lastError = error)); // the cause; connect() only says the connection closed
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    const e = lastError ?? (error as NodeJS.ErrnoException);
    throw new EmbedkitError(`cannot reach Redis at ${redactRedisUrl(url)}: ${e.code ?? e.message}`, 'EMBEDKIT_REDIS');
  }
  probe.disconnect();
  const client = new RedisClass(url, {
    maxRetriesPerRequest: null,
    connectTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 3000),
  });
  client.on('error', () => undefined); // reconnects on its own; commands wait meanwhile
  return client;
}
