// The fastify set-up the server and the router share: the request log (never bodies, never the
// token), the body cap, draining on close, JSON-only bodies validated as sent, and the 404 answer.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { App } from './context.js';

/** Default largest request body: 4 MiB (a few base64 images); `bodyLimit` changes it. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/** Log levels of `logLevel`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options of {@link createApp}. */
export interface AppOptions {
  bodyLimit: number;
  /** Structured request logs (pino) at this level; 'silent' (default) logs nothing. */
  logLevel?: LogLevel;
  /** Where logs go (a pino destination stream); default stdout. */
  logStream?: NodeJS.WritableStream;
  /** TLS credentials: serve HTTPS. */
  https?: object;
}

/** Request bodies are validated as sent (no type coercion: `"k": "5"` is an error); query strings are coerced. */
function validators() {
  const common = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;
  const body = new Ajv({ ...common, coerceTypes: false });
  const query = new Ajv({ ...common, coerceTypes: true });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? body : query).compile(schema);
}

/**
 * A fastify app (TypeBox schemas) with the shared settings: closing it answers 503 to new requests
 * and closes idle keep-alive connections; only JSON bodies are parsed (a text/plain body is refused
 * with 415 instead of reaching the schemas as a string).
 */
export function createApp(o: AppOptions): App {
  const level = o.logLevel ?? 'silent';
  const logger: FastifyServerOptions['logger'] =
    level === 'silent'
      ? false
      : {
          level,
          // requests are logged by method, url and status only: never bodies, never the token
          redact: ['req.headers.authorization'],
          ...(o.logStream ? { stream: o.logStream } : {}),
        };
  const app = Fastify({
    logger,
    bodyLimit: o.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(o.https ? { https: o.https } : {}),
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validators());
  app.removeContentTypeParser('text/plain');
  return app;
}

/** The 404 of an unknown route, in the API's error shape. */
export function replyNotFound(req: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
}
