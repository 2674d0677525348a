import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import { UsageError } from '../errors.js';
import type { Encoder } from '../encode/types.js';
import { VERSION } from '../version.js';
import type { App, ServeContext } from './context.js';
import { createApp, DEFAULT_BODY_LIMIT, replyNotFound, type LogLevel } from './fastify-app.js';
import { errorResponse } from './http-errors.js';
import { ModelSet } from './resources/model-set.js';
import type { Resource } from './resources/types.js';
import { installSecurity, resolveTokens, type SecurityOptions } from './security/install.js';
import { scopeOpenApiTransform } from './security/openapi.js';
import { loadTlsCredentials } from './security/tls.js';
import { addMultipartToOpenApi, installMultipartUploads } from './uploads/multipart.js';
import { ProjectionJobs, type ProjectionJobsOptions, type ProjectionRunner } from './projections/jobs.js';
import { workerProjectionRunner } from './projections/worker-runner.js';
import { classifyRoutes } from './routes/classify.js';
import { clusterRoutes } from './routes/cluster.js';
import { embedRoutes } from './routes/embed.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { projectionRoutes } from './routes/projections.js';
import { searchRoutes } from './routes/search.js';
import { defaultWebRoot, staticUiRoutes } from './routes/static-ui.js';
import { thumbnailRoutes } from './routes/thumbnails.js';
import { vectorRoutes } from './routes/vectors.js';
import { DEFAULT_LIMITS, ErrorResponse, type Limits } from './schemas.js';

export { DEFAULT_BODY_LIMIT, type LogLevel } from './fastify-app.js';

/** Options of {@link buildServer} (the access controls and TLS: {@link SecurityOptions}). */
export interface ServerOptions extends SecurityOptions {
  /** The loaded models (see `loadResource`), or a ready ModelSet. */
  models: ModelSet | readonly Resource[];
  /** Extra encoders for `/v1/embed` (each vectors model and index brings its own). */
  encoders?: readonly Encoder[];
  /** Require `Authorization: Bearer TOKEN` on every `/v1` route (a token of every scope, named "token"). Default: no token. */
  token?: string;
  /** Allow cross-origin requests from this origin (or these; `true` = any). Default: none. */
  cors?: string | readonly string[] | boolean;
  /** Largest request body in bytes (413 above). Default {@link DEFAULT_BODY_LIMIT}. */
  bodyLimit?: number;
  /** Structured request logs (pino) at this level; 'silent' (default) logs nothing. */
  logLevel?: LogLevel;
  /** Where logs go (a pino destination stream); default stdout. */
  logStream?: NodeJS.WritableStream;
  /** Caps on k, batch sizes and page sizes. */
  limits?: Partial<Limits>;
  /** Folder of the explorer UI served at `/`; default the package's `dist/web/`; null serves none. */
  webRoot?: string | null;
  /** Projection jobs: how many are kept and run at once, the most points per job, and what computes them. */
  projections?: ProjectionJobsOptions & {
    /** Most points one projection may take. Default 1,000,000. */
    maxPoints?: number;
    /** Default: each job on its own worker thread running src/project. */
    runner?: ProjectionRunner;
  };
}

/**
 * Builds the HTTP server (fastify) over loaded models: the JSON API under `/v1`, `/healthz`,
 * `/openapi.json` (generated from the route schemas) and the explorer UI at `/`. Nothing listens
 * yet: call `listen()`, or `inject()` in tests. Closing the app ends its background work.
 */
export async function buildServer(options: ServerOptions): Promise<App> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!(Number.isSafeInteger(bodyLimit) && bodyLimit > 0)) throw new UsageError(`bodyLimit must be a positive integer, got ${bodyLimit}`);
  const tokens = resolveTokens(options.token, options.tokens);
  const tls = options.tls === undefined ? undefined : loadTlsCredentials(options.tls);
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const models = options.models instanceof ModelSet ? options.models : new ModelSet(options.models, options.encoders);
  const app = createApp({
    bodyLimit,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(tls ? { https: tls } : {}),
  });
  app.addSchema(ErrorResponse);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'embedkit API',
        version: VERSION,
        description: 'Word vectors, search indexes, encoders and projections over HTTP (see docs/server.md).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      ...(tokens !== undefined ? { security: [{ bearerAuth: [] }] } : {}),
    },
    transform: scopeOpenApiTransform,
    transformObject: addMultipartToOpenApi,
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  if (options.cors !== undefined && options.cors !== false) {
    // a list, so that only a matching Origin is echoed back
    const origin = options.cors === true ? true : typeof options.cors === 'string' ? [options.cors] : [...options.cors];
    await app.register(fastifyCors, {
      origin,
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['Content-Type', 'Authorization'],
    });
  }
  await installSecurity(app, tokens, options);
  await installMultipartUploads(app, { bodyLimit, maxBatch: limits.maxBatch });

  app.setErrorHandler((error, req, reply) => {
    const { status, body, internal } = errorResponse(error, bodyLimit);
    if (internal) req.log.error({ err: error }, 'request failed');
    // client errors by code only: their messages quote the request (words, ids)
    else req.log.info({ status, code: body.error.code }, 'request refused');
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(replyNotFound);

  const ctx: ServeContext = { models, limits };
  const jobs = new ProjectionJobs(options.projections?.runner ?? workerProjectionRunner, options.projections);
  app.addHook('onClose', async () => jobs.close());
  await app.register(healthRoutes());
  await app.register(modelRoutes(ctx));
  await app.register(vectorRoutes(ctx));
  await app.register(searchRoutes(ctx));
  await app.register(embedRoutes(ctx));
  await app.register(classifyRoutes(ctx));
  await app.register(clusterRoutes(ctx));
  await app.register(thumbnailRoutes(ctx));
  await app.register(projectionRoutes(ctx, jobs, options.projections?.maxPoints ?? 1_000_000));
  await app.register(staticUiRoutes(options.webRoot === undefined ? defaultWebRoot() : options.webRoot));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
