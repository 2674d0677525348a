import { InvalidArgumentError, type Command } from 'commander';
import type { LoadResourceOptions } from '../../serve/resources/load-resource.js';
import type { LogLevel, ServerOptions } from '../../serve/server.js';
import { parseRateLimit } from '../../serve/security/rate-limit.js';
import type { StartServerOptions } from '../../serve/start.js';
import { UsageError } from '../../errors.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { int, oneOf } from '../parse.js';
import { addServeClusterFlags, registerIfShard, shardModels, startRouterFromFlags, type ServeClusterFlags } from './serve-cluster.js';
import type { GlobalOptions } from '../run.js';

const LOG_LEVELS = allValues<LogLevel>({ fatal: true, error: true, warn: true, info: true, debug: true, trace: true, silent: true });

const LISTEN_FLAGS: readonly LibraryFlag<StartServerOptions>[] = [
  { key: 'port', flags: '-p, --port <n>', description: 'TCP port (0 = any free port)', parse: int(0, 65535), default: 8080 },
  {
    key: 'host',
    flags: '--host <address>',
    description: 'interface to listen on (0.0.0.0 = every interface)',
    parse: String,
    default: '127.0.0.1',
  },
];

const SERVER_FLAGS: readonly LibraryFlag<ServerOptions>[] = [
  {
    key: 'token',
    flags: '--token <token>',
    description: 'require "Authorization: Bearer TOKEN" on the /v1 routes (default: $EMBEDKIT_TOKEN, else none)',
    parse: String,
  },
  {
    key: 'rateLimit',
    flags: '--rate-limit <rate>',
    description: 'requests per client (token, else IP) to /v1: N/s, N/min or N/h; over it 429 with Retry-After',
    parse: (value) => {
      try {
        return parseRateLimit(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    },
  },
  {
    key: 'auditLog',
    flags: '--audit-log <file>',
    description: 'append a JSON line per request to a write/admin route to this file',
    parse: String,
  },
  { key: 'bodyLimit', flags: '--body-limit <bytes>', description: 'largest request body (default 4 MiB)', parse: int(1024, 2 ** 31) },
  {
    key: 'logLevel',
    flags: '--log-level <level>',
    description: `request log level: ${LOG_LEVELS.join(', ')}`,
    parse: oneOf(LOG_LEVELS),
    default: 'info',
  },
];

const LOAD_FLAGS: readonly LibraryFlag<LoadResourceOptions>[] = [
  { key: 'limit', flags: '--limit <n>', description: 'load only the first n vectors of word-vector files', parse: int(1) },
  {
    key: 'ann',
    flags: '--ann <type>',
    description: 'neighbour index over word vectors: hnsw or flat (exact)',
    parse: oneOf(['hnsw', 'flat'] as const),
    default: 'hnsw',
  },
  { key: 'threads', flags: '--threads <n>', description: 'worker threads of the index builds (default: all cores)', parse: int(1, 256) },
];

/** The flags read by hand (the others come through the library-option tables). */
type ServeFlags = Record<string, unknown> &
  ServeClusterFlags & {
    cors?: string[];
    encoder?: string[];
    tokens?: string;
    tlsCert?: string;
    tlsKey?: string;
    shutdownTimeout: number;
  };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `embedkit serve MODEL|INDEX…`: the HTTP API and the explorer UI (src/serve). */
export function registerServe(program: Command, _globals: () => GlobalOptions): void {
  const command = program
    .command('serve')
    .description('serve word vectors, search indexes and classifiers over HTTP (JSON API under /v1, the explorer UI at /)')
    .argument('[models...]', 'word-vector files, fastText .bin models, `search build` folders or classifier models; NAME=PATH names one');
  addLibraryFlags(command, LISTEN_FLAGS);
  addLibraryFlags(command, SERVER_FLAGS);
  addLibraryFlags(command, LOAD_FLAGS);
  addServeClusterFlags(command);
  command
    .option('--cors <origin>', 'allow cross-origin requests from this origin (repeatable; * = any)', collect)
    .option('-e, --encoder <name[=model]>', 'also offer this registry encoder in /v1/embed (repeatable)', collect)
    .option('--tokens <file>', 'API tokens with scopes: JSON lines {"name", "token" | "sha256", "scopes"} (default: $EMBEDKIT_TOKENS_FILE)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--shutdown-timeout <seconds>', 'on SIGINT/SIGTERM, wait this long for requests in flight', int(0, 3600), 10)
    .action(async (models: string[], o: ServeFlags) => {
      const log = (message: string) => process.stderr.write(`embedkit serve: ${message}\n`);
      if (o.router) {
        const listen = { ...libraryOptions(o, LISTEN_FLAGS), logLevel: libraryOptions(o, SERVER_FLAGS).logLevel };
        const router = await startRouterFromFlags(models, o, listen, log);
        return untilSignal(() => router.app.close(), o.shutdownTimeout, log);
      }
      const { startServer } = await import('../../serve/start.js');
      const { TokenSet } = await import('../../serve/security/tokens.js');
      const { resolveTokens } = await import('../../serve/security/install.js');
      const server = libraryOptions(o, SERVER_FLAGS);
      const token = server.token ?? (process.env.EMBEDKIT_TOKEN || undefined);
      const tokensFile = o.tokens ?? (process.env.EMBEDKIT_TOKENS_FILE || undefined);
      // one set (the file's tokens and --token), which SIGHUP replaces in place
      const loadTokens = () => resolveTokens(token, tokensFile === undefined ? undefined : TokenSet.fromFile(tokensFile));
      const tokens = loadTokens();
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('give both --tls-cert and --tls-key, or neither');
      const tls = o.tlsCert !== undefined && o.tlsKey !== undefined ? { certFile: o.tlsCert, keyFile: o.tlsKey } : undefined;
      const cors = o.cors === undefined ? undefined : o.cors.includes('*') ? true : o.cors;
      const running = await startServer({
        ...libraryOptions(o, LISTEN_FLAGS),
        ...server,
        ...libraryOptions(o, LOAD_FLAGS),
        token: undefined,
        tokens,
        tls,
        cors,
        models: shardModels(models, o),
        encoders: o.encoder,
        log,
      });
      log(
        `listening on ${running.url}/ (${running.resources.map((r) => `${r.name}: ${r.kind}`).join(', ')})${tokens ? `, tokens required (${tokens.size})` : ''}${server.rateLimit ? ', rate-limited' : ''}${server.auditLog ? `, audit log ${server.auditLog}` : ''}`,
      );
      if (tokensFile !== undefined && tokens) {
        const { reloadTokensOnHangup } = await import('../../serve/security/token-reload.js');
        reloadTokensOnHangup({ tokens, file: tokensFile, load: () => loadTokens()!, log });
      }
      const deregister = await registerIfShard(running, o, log).catch(async (error: unknown) => {
        await running.app.close();
        throw error;
      });
      // a shard leaves the membership first, so routers stop sending it queries while it drains
      const close = async () => {
        await deregister?.().catch(() => undefined);
        await running.app.close();
      };
      await untilSignal(close, o.shutdownTimeout, log);
    });
}

/** Waits for SIGINT/SIGTERM, runs `close()` (giving it `timeoutSeconds`), then exits. */
async function untilSignal(close: () => Promise<void>, timeoutSeconds: number, log: (message: string) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log(`${signal}: finishing the requests in flight, then exiting`);
      const timer = setTimeout(() => {
        log(`requests still running after ${timeoutSeconds} s: exiting anyway`);
        process.exit(1);
      }, timeoutSeconds * 1000);
      timer.unref();
      close().then(resolve, (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('stopped');
  // index and encoder worker threads may still hold the event loop: the server is done
  process.exit(0);
}
