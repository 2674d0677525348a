// The router of sharded search: one HTTP endpoint in front of shard servers (`serve --shard`). It
// fans each query out to every shard at once, waits at most the shard timeout for each, and merges
// their top-k lists by score. A shard that fails or is late makes the answer partial (`partial:
// true`, `failed` names it) instead of failing the request; the router only fails when no shard
// answered. Text queries are embedded once, by one shard (see embedOnce), and sent as a vector.
import { Type } from '@sinclair/typebox';
import type { App } from '../context.js';
import { badRequest, errorResponse, HttpError, type ErrorCode } from '../http-errors.js';
import { DEFAULT_LIMITS, ModelName, Vector, Word, kSchema } from '../schemas.js';
import { createApp, DEFAULT_BODY_LIMIT, replyNotFound, type LogLevel } from '../fastify-app.js';
import { mergeTopK, type ScoredHit } from './merge.js';
import type { ShardSource } from './membership.js';
import { callShard, type ShardReply, type ShardTarget } from './shard-client.js';

/** Default per-shard deadline (ms). */
export const DEFAULT_SHARD_TIMEOUT_MS = 2000;

/** Options of {@link buildRouter}. */
export interface RouterOptions {
  shards: ShardSource;
  /** Milliseconds each shard (and the embedding of a text query) may take. Default 2000. */
  shardTimeoutMs?: number;
  /** Largest request body in bytes. Default 4 MiB. */
  bodyLimit?: number;
  /** Most results per query. Default 1000 (the shards' default cap). */
  maxK?: number;
  logLevel?: LogLevel;
  logStream?: NodeJS.WritableStream;
}

/** A shard that did not contribute to an answer. */
export interface FailedShard {
  shard: string;
  url: string;
  error: string;
}

const CODES: Partial<Record<number, ErrorCode>> = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 413: 'too_large' };

function isHitList(body: unknown): body is { results: ScoredHit[] } {
  const results = (body as { results?: unknown } | undefined)?.results;
  return (
    Array.isArray(results) &&
    results.every(
      (h: { id?: unknown; score?: unknown }) =>
        typeof h === 'object' && h !== null && (typeof h.id === 'string' || typeof h.id === 'number') && typeof h.score === 'number',
    )
  );
}

/**
 * The merged answer of the shards' replies. Fails only when no shard answered: with the shards'
 * own error when they all refused the request alike (a 4xx: the request is wrong), else 503.
 */
export function combineReplies(
  replies: readonly ShardReply[],
  k: number,
): { results: ScoredHit[]; partial: boolean; failed: FailedShard[] } {
  const lists: ScoredHit[][] = [];
  const failed: FailedShard[] = [];
  for (const r of replies) {
    if (r.ok && isHitList(r.body)) lists.push(r.body.results);
    else failed.push({ shard: r.shard.name, url: r.shard.url, error: r.ok ? 'the reply has no results list' : r.error });
  }
  if (lists.length === 0) {
    const statuses = new Set(replies.map((r) => (r.ok ? 0 : (r.status ?? 0))));
    const [status] = statuses;
    const first = replies[0];
    if (statuses.size === 1 && status >= 400 && status < 500 && first && !first.ok) {
      const message = (first.body as { error?: { message?: string } } | undefined)?.error?.message ?? first.error;
      throw new HttpError(status, CODES[status] ?? 'bad_request', message);
    }
    throw new HttpError(503, 'unavailable', `no shard answered: ${failed.map((f) => `${f.shard}: ${f.error}`).join('; ')}`);
  }
  return { results: mergeTopK(lists, k), partial: failed.length > 0, failed };
}

/** Builds the router app (nothing listens yet). Closing it closes the shard source. */
export async function buildRouter(options: RouterOptions): Promise<App> {
  const timeoutMs = options.shardTimeoutMs ?? DEFAULT_SHARD_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1)
    throw badRequest(`the shard timeout must be a positive integer (ms), got ${timeoutMs}`);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const limits = { ...DEFAULT_LIMITS, ...(options.maxK !== undefined ? { maxK: options.maxK } : {}) };
  // bodies validated as the shards validate them (no type coercion)
  const app = createApp({
    bodyLimit,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  app.setErrorHandler((error, req, reply) => {
    const { status, body, internal } = errorResponse(error, bodyLimit);
    if (internal) req.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(replyNotFound);
  app.addHook('onClose', async () => options.shards.close());

  /** The shards of `index`: with Redis membership, those registered under it (the only index when none is named). */
  const targetsOf = (index: string | undefined): { index?: string; targets: ShardTarget[] } => {
    const all = options.shards.shards();
    if (options.shards.kind === 'static') return { ...(index !== undefined ? { index } : {}), targets: [...all] };
    const names = [...new Set(all.map((s) => s.index!))].sort();
    if (index === undefined && names.length > 1) throw badRequest(`give "index": the shards serve ${names.join(', ')}`);
    const chosen = index ?? names[0];
    const targets = all.filter((s) => s.index === chosen);
    if (targets.length === 0)
      throw new HttpError(
        503,
        'unavailable',
        chosen === undefined ? 'no shard is registered' : `no shard of index "${chosen}" is registered`,
      );
    return { index: chosen, targets };
  };
  const forwardHeaders = (headers: Record<string, unknown>): Record<string, string> =>
    typeof headers.authorization === 'string' ? { authorization: headers.authorization } : {};

  // Text queries are embedded once, by one shard (in turn), and every shard gets that vector: the
  // scores being merged are then cosines with one query vector, whatever each shard's encoder
  // threads or load, and the query costs one encoder run instead of one per shard.
  let turn = 0;
  const indexNameOf = new Map<string, string>();
  const embedOnce = async (targets: readonly ShardTarget[], index: string | undefined, text: string, headers: Record<string, string>) => {
    const errors: string[] = [];
    const start = turn++;
    for (let i = 0; i < targets.length; i++) {
      const shard = targets[(start + i) % targets.length];
      let encoder = index ?? indexNameOf.get(shard.url);
      if (encoder === undefined) {
        const models = await callShard(shard, 'GET', '/v1/models', undefined, { timeoutMs, headers });
        const first = models.ok
          ? (models.body as { models?: { name: string; kind: string }[] }).models?.find((m) => m.kind === 'index')
          : undefined;
        if (!first) {
          errors.push(`${shard.name}: ${models.ok ? 'serves no search index' : models.error}`);
          continue;
        }
        indexNameOf.set(shard.url, (encoder = first.name));
      }
      const r = await callShard(shard, 'POST', '/v1/embed', { encoder, inputs: [text] }, { timeoutMs, headers });
      const vectors = r.ok ? (r.body as { vectors?: number[][] }).vectors : undefined;
      if (vectors && Array.isArray(vectors[0])) return vectors[0];
      // the text itself is refused (too long, wrong modality): every shard would say the same
      if (!r.ok && r.status === 400) throw badRequest((r.body as { error?: { message?: string } } | undefined)?.error?.message ?? r.error);
      errors.push(`${shard.name}: ${r.ok ? 'the reply has no vectors' : r.error}`);
    }
    throw new HttpError(503, 'unavailable', `no shard could embed the query: ${errors.join('; ')}`);
  };

  app.get('/healthz', { schema: { summary: 'Liveness of the router', tags: ['router'] } }, async () => ({ status: 'ok' as const }));
  app.get('/v1/shards', { schema: { summary: 'The shards the router sends queries to', tags: ['router'] } }, async () => ({
    source: options.shards.kind,
    shards: options.shards.shards().map((s) => ({ name: s.name, url: s.url, ...(s.index !== undefined ? { index: s.index } : {}) })),
  }));

  app.post(
    '/v1/search',
    {
      schema: {
        summary: 'Search every shard (dense: by a vector, or a text embedded once) and merge their top-k',
        tags: ['router'],
        body: Type.Object(
          {
            index: Type.Optional(ModelName),
            text: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
            vector: Type.Optional(Vector),
            k: kSchema(limits, 'documents to return'),
            filter: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            mode: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const { text, vector, k, filter, mode } = req.body;
      if (text === undefined && vector === undefined) throw badRequest('give "text" or "vector"');
      if (mode !== undefined && mode !== 'dense')
        throw badRequest(
          `the router merges dense (cosine) scores only: mode "${mode}" fuses BM25 statistics that differ from shard to shard; leave "mode" out or send "dense"`,
        );
      const { index, targets } = targetsOf(req.body.index);
      const headers = forwardHeaders(req.headers);
      const query = vector ?? (await embedOnce(targets, index, text!, headers));
      const body = { ...(index !== undefined ? { index } : {}), vector: query, k, ...(filter ? { filter } : {}), mode: 'dense' };
      const replies = await Promise.all(targets.map((s) => callShard(s, 'POST', '/v1/search', body, { timeoutMs, headers })));
      return combineReplies(replies, k);
    },
  );

  app.post(
    '/v1/similar',
    {
      schema: {
        summary: 'Nearest documents of a vector over every shard',
        tags: ['router'],
        body: Type.Object(
          {
            model: Type.Optional(ModelName),
            word: Type.Optional(Word),
            id: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
            vector: Type.Optional(Vector),
            k: kSchema(limits, 'results to return'),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const { vector, k } = req.body;
      if (vector === undefined)
        throw badRequest(
          'the router answers /v1/similar by "vector" only: a word or a document id lives on one shard (ask it for the vector)',
        );
      const { index, targets } = targetsOf(req.body.model);
      const headers = forwardHeaders(req.headers);
      const body = { ...(index !== undefined ? { model: index } : {}), vector, k };
      const replies = await Promise.all(targets.map((s) => callShard(s, 'POST', '/v1/similar', body, { timeoutMs, headers })));
      return combineReplies(replies, k);
    },
  );
  return app;
}
