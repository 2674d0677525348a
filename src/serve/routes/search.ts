import { Type } from '@sinclair/typebox';
import type { FusionMode, MetadataFilter } from '../../tasks/search/index.js';
import type { App, ServeContext } from '../context.js';
import { badRequest } from '../http-errors.js';
import { kSchema, Metadata, ModelName, Vector, withErrors } from '../schemas.js';
import { documentLabel } from './models.js';
import { checkedVector } from './vectors.js';

const Hit = Type.Object({
  id: Type.Union([Type.Integer(), Type.String()]),
  score: Type.Number({ description: 'fused score, higher is better (cosine in dense mode)' }),
  label: Type.String({ description: 'document title or text start' }),
  metadata: Type.Optional(Metadata),
  chunk: Type.Optional(Type.String({ description: 'the best-matching chunk of a long document' })),
});

const MODES = ['convex', 'rrf', 'dense', 'latent', 'bm25'] as const;

/** `POST /v1/search`: hybrid (BM25 + vectors) search of an index built by `embedkit search build`. */
export function searchRoutes(ctx: ServeContext) {
  return async function (app: App): Promise<void> {
    app.post(
      '/v1/search',
      {
        schema: {
          summary: 'Search an index by text (hybrid BM25 + dense) or by a vector (dense), with metadata filters',
          tags: ['search'],
          body: Type.Object(
            {
              index: Type.Optional(ModelName),
              text: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
              vector: Type.Optional(Vector),
              k: kSchema(ctx.limits, 'documents to return'),
              filter: Type.Optional(
                Type.Record(Type.String(), Type.Unknown(), {
                  description: 'metadata conditions, e.g. {"lang": "en", "year": {"$gte": 2020}}',
                }),
              ),
              mode: Type.Optional(
                Type.Union(
                  MODES.map((m) => Type.Literal(m)),
                  { description: 'ranking (default: the index’s own)' },
                ),
              ),
            },
            { additionalProperties: false, description: 'at least one of text, vector' },
          ),
          response: withErrors({ 200: Type.Object({ results: Type.Array(Hit) }) }),
        },
      },
      async (req) => {
        const { text, vector, k, filter, mode } = req.body;
        if (text === undefined && vector === undefined) throw badRequest('give "text" or "vector" (or both)');
        const r = ctx.models.index(req.body.index);
        const query = {
          ...(text !== undefined ? { text } : {}),
          ...(vector !== undefined ? { vector: checkedVector(vector, r.search.settings.dim, `index "${r.name}"`) } : {}),
        };
        // a vector alone ranks by the dense side only (there is no text for BM25)
        const fusion = mode !== undefined ? { mode: mode as FusionMode } : text === undefined ? { mode: 'dense' as const } : undefined;
        const hits = await r.search.query(query, {
          k,
          ...(filter ? { filter: filter as MetadataFilter } : {}),
          ...(fusion ? { fusion } : {}),
        });
        return { results: hits.map((h) => ({ ...h, label: documentLabel(r, h.id) })) };
      },
    );
  };
}
