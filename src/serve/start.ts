import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { loadEncoder } from '../encode/registry.js';
import type { Encoder } from '../encode/types.js';
import type { App } from './context.js';
import { defaultName, loadResource, type LoadResourceOptions } from './resources/load-resource.js';
import type { Resource } from './resources/types.js';
import { loadTlsCredentials } from './security/tls.js';
import { buildServer, type ServerOptions } from './server.js';

/** Options of {@link startServer}: what to load, the server options, where to listen. */
export interface StartServerOptions extends Omit<ServerOptions, 'models' | 'encoders'>, LoadResourceOptions {
  /** Models and indexes to load: `PATH` or `NAME=PATH` (the name requests use; default the file name). */
  models: readonly string[];
  /** Registry encoders for `/v1/embed`: `NAME` or `NAME=MODEL_PATH` (encoders of a user-supplied model). */
  encoders?: readonly string[];
  /** TCP port (0 = any free port). Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
}

/** A running server. */
export interface RunningServer {
  app: App;
  /** `http://host:port`. */
  url: string;
  resources: Resource[];
}

/** Splits a `NAME=PATH` argument (when the whole argument is not itself an existing path). */
export function parseNamed(arg: string): { name?: string; value: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$/.exec(arg);
  if (!m || existsSync(arg)) return { value: arg };
  return { name: m[1], value: m[2] };
}

async function loadEncoders(specs: readonly string[]): Promise<Encoder[]> {
  const out: Encoder[] = [];
  for (const spec of specs) {
    const { name, value } = parseNamed(spec);
    out.push(name === undefined ? await loadEncoder(value) : await loadEncoder(name, { path: path.resolve(value) }));
  }
  return out;
}

/**
 * Loads the models, builds the server and listens (`embedkit serve` is this plus signal handling).
 * Names are checked before anything loads; every file is validated by its reader.
 */
export async function startServer(o: StartServerOptions): Promise<RunningServer> {
  if (o.models.length === 0) throw new UsageError('give at least one model or index to serve');
  // bad certificate files fail before minutes of model loading (buildServer reads them again)
  if (o.tls) loadTlsCredentials(o.tls);
  const named = o.models.map((arg) => {
    const { name, value } = parseNamed(arg);
    return { name: name ?? defaultName(value), source: value };
  });
  const seen = new Set<string>();
  for (const n of named) {
    if (seen.has(n.name)) throw new UsageError(`two models are named "${n.name}": name them with NAME=PATH`);
    seen.add(n.name);
  }
  const resources: Resource[] = [];
  for (const n of named) resources.push(await loadResource(n.name, n.source, o));
  const encoders = await loadEncoders(o.encoders ?? []);
  const app = await buildServer({ ...o, models: resources, encoders });
  try {
    await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
  } catch (error) {
    await app.close();
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${o.port ?? 8080} is already in use: choose another with --port`);
    if (e.code === 'EACCES') throw new UsageError(`no permission to listen on port ${o.port ?? 8080}: choose one above 1023 with --port`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 8080);
  const host = o.host ?? '127.0.0.1';
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `${o.tls ? 'https' : 'http'}://${shown}:${port}`, resources };
}
