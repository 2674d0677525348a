// TypeBox schemas shared by the routes: they validate requests (AJV, no type coercion of JSON
// bodies), serialize responses (fast-json-stringify) and generate /openapi.json.
import { Type, type TSchema } from '@sinclair/typebox';

/** Limits that keep one request's work and memory bounded (see ServerOptions.limits). */
export interface Limits {
  /** Most neighbours/results per query (`k`). */
  maxK: number;
  /** Most words, texts, images or clips in one request. */
  maxBatch: number;
  /** Most points in one `/v1/points` page. */
  maxPage: number;
}

export const DEFAULT_LIMITS: Limits = { maxK: 1000, maxBatch: 256, maxPage: 100_000 };

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'bad_request, unauthorized, not_found, too_large, unsupported_media_type, internal, …' }),
      message: Type.String({ description: 'one sentence naming the problem' }),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error: a 4xx/5xx status with this body' },
);

/** The error responses every JSON route may give, for the OpenAPI document and serialization. */
export function withErrors<T extends Record<number, unknown>>(ok: T): T & Record<400 | 401 | 404 | 413 | 500, TSchema> {
  const ref = Type.Ref(ErrorResponse);
  return { ...ok, 400: ref, 401: ref, 404: ref, 413: ref, 500: ref };
}

export const ModelName = Type.String({ minLength: 1, maxLength: 200, description: 'a model name from /v1/models (default: the first)' });

/** `k` with the server's cap. */
export function kSchema(limits: Limits, description = 'how many results') {
  return Type.Integer({ minimum: 1, maximum: limits.maxK, default: 10, description });
}

export const Word = Type.String({ minLength: 1, maxLength: 1000 });

export const Vector = Type.Array(Type.Number(), { minItems: 1, maxItems: 65536, description: 'a raw vector of the model’s dimension' });

export const Neighbor = Type.Object({
  word: Type.String({ description: 'the word (or the document label of an index)' }),
  id: Type.Union([Type.Integer(), Type.String()], { description: 'row number (word vectors) or document id (index)' }),
  score: Type.Number({ description: 'cosine similarity' }),
});

export const Metadata = Type.Record(Type.String(), Type.Unknown());
