import { Type } from '@sinclair/typebox';
import { unitVector } from '../../math/normalize.js';
import type { WordOrVector } from '../../vectors/keyed-vectors.js';
import type { App, ServeContext } from '../context.js';
import { badRequest, notFound } from '../http-errors.js';
import type { IndexResource, VectorsResource } from '../resources/types.js';
import { kSchema, ModelName, Neighbor, Vector, withErrors, Word } from '../schemas.js';
import { documentLabel } from './models.js';

/** A JSON vector checked against a model's dimension. */
export function checkedVector(v: readonly number[], dim: number, what: string): Float32Array {
  if (v.length !== dim) throw badRequest(`"vector" has ${v.length} dimensions, ${what} has ${dim}`);
  const out = Float32Array.from(v);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  if (!Number.isFinite(norm)) throw badRequest('"vector" is too large (its norm overflows float32)');
  if (norm === 0) throw badRequest('"vector" is all zeros: it has no direction to compare by cosine');
  return out;
}

/** The term a word stands for: itself when in the vocabulary, its subword vector for a fastText model, else 404. */
function termOf(r: VectorsResource, word: string): WordOrVector {
  if (r.vectors.has(word)) return word;
  if (r.fastText) {
    const v = r.fastText.wordVector(word);
    if (v.some((x) => x !== 0)) return unitVector(v);
  }
  throw notFound(`word "${word}" is not in the vocabulary of model "${r.name}"`);
}

function neighboursOfWords(r: VectorsResource, positive: readonly string[], negative: readonly string[], k: number) {
  const missing = [...positive, ...negative].filter((w) => !r.vectors.has(w) && !r.fastText);
  if (missing.length > 0)
    throw notFound(
      `${missing.length === 1 ? 'word' : 'words'} ${missing.map((w) => `"${w}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the vocabulary of model "${r.name}"`,
    );
  const hits = r.vectors.mostSimilar({ positive: positive.map((w) => termOf(r, w)), negative: negative.map((w) => termOf(r, w)), topn: k });
  return hits.map((h) => ({ word: h.word, id: r.vectors.indexOf(h.word), score: h.score }));
}

async function indexNeighbours(r: IndexResource, query: Float32Array, k: number, exclude?: string | number) {
  const extra = exclude === undefined ? 0 : 1;
  const hits = await r.search.query({ vector: query }, { k: k + extra, fusion: { mode: 'dense' } });
  return hits
    .filter((h) => exclude === undefined || String(h.id) !== String(exclude))
    .slice(0, k)
    .map((h) => ({ word: documentLabel(r, h.id), id: h.id, score: h.score }));
}

const SimilarBody = (ctx: ServeContext) =>
  Type.Object(
    {
      model: Type.Optional(ModelName),
      word: Type.Optional(Word),
      id: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })])),
      vector: Type.Optional(Vector),
      k: kSchema(ctx.limits, 'neighbours to return'),
    },
    { additionalProperties: false, description: 'exactly one of word, id, vector' },
  );

const Results = Type.Object({ results: Type.Array(Neighbor) });

/** `POST /v1/similar`, `POST /v1/analogy`, `POST /v1/vectors`. */
export function vectorRoutes(ctx: ServeContext) {
  return async function (app: App): Promise<void> {
    app.post(
      '/v1/similar',
      {
        schema: {
          summary: 'Nearest neighbours (cosine, by the original vectors) of a word, a point id or a vector',
          tags: ['vectors'],
          body: SimilarBody(ctx),
          response: withErrors({ 200: Results }),
        },
      },
      async (req) => {
        const { word, id, vector, k } = req.body;
        const given = [word, id, vector].filter((x) => x !== undefined).length;
        if (given !== 1) throw badRequest('give exactly one of "word", "id" or "vector"');
        const r = ctx.models.model(req.body.model);
        if (r.kind === 'index') {
          if (word !== undefined) throw badRequest(`"${r.name}" is a search index: give "id" or "vector" (or use /v1/search with "text")`);
          if (vector !== undefined)
            return { results: await indexNeighbours(r, checkedVector(vector, r.search.settings.dim, `index "${r.name}"`), k) };
          const row = r.rowOf.get(String(id));
          if (row === undefined) throw notFound(`no document with id ${JSON.stringify(id)} in index "${r.name}"`);
          const stored = r.search.index.get(r.firstChunk[row]);
          if (!stored) throw notFound(`document ${JSON.stringify(id)} has no vector in index "${r.name}"`);
          return { results: await indexNeighbours(r, Float32Array.from(stored.vector as ArrayLike<number>), k, r.ids[row]) };
        }
        if (vector !== undefined) {
          const q = checkedVector(vector, r.vectors.dim, `model "${r.name}"`);
          const hits = r.vectors.similarByVector(q, { topn: k });
          return { results: hits.map((h) => ({ word: h.word, id: r.vectors.indexOf(h.word), score: h.score })) };
        }
        let w = word;
        if (id !== undefined) {
          if (typeof id !== 'number' || id >= r.vectors.size)
            throw notFound(`no row ${JSON.stringify(id)} in model "${r.name}" (rows 0..${r.vectors.size - 1})`);
          w = r.vectors.wordAt(id);
        }
        return { results: neighboursOfWords(r, [w!], [], k) };
      },
    );

    app.post(
      '/v1/analogy',
      {
        schema: {
          summary: 'Word analogy (3CosAdd, gensim most_similar): positive − negative',
          tags: ['vectors'],
          body: Type.Object(
            {
              model: Type.Optional(ModelName),
              positive: Type.Array(Word, { minItems: 1, maxItems: ctx.limits.maxBatch }),
              negative: Type.Array(Word, { maxItems: ctx.limits.maxBatch, default: [] }),
              k: kSchema(ctx.limits, 'results to return'),
            },
            { additionalProperties: false, description: 'e.g. {"positive": ["king", "woman"], "negative": ["man"]}' },
          ),
          response: withErrors({ 200: Results }),
        },
      },
      async (req) => {
        const r = ctx.models.vectors(req.body.model);
        return { results: neighboursOfWords(r, req.body.positive, req.body.negative, req.body.k) };
      },
    );

    app.post(
      '/v1/vectors',
      {
        schema: {
          summary: 'The vectors of words (fastText models also for words outside the vocabulary)',
          tags: ['vectors'],
          body: Type.Object(
            { model: Type.Optional(ModelName), words: Type.Array(Word, { minItems: 1, maxItems: ctx.limits.maxBatch }) },
            { additionalProperties: false },
          ),
          response: withErrors({
            200: Type.Object({
              vectors: Type.Record(Type.String(), Type.Union([Type.Array(Type.Number()), Type.Null()]), {
                description: 'word → vector, null for a word without one',
              }),
              missing: Type.Array(Type.String(), { description: 'words without a vector' }),
              dims: Type.Integer(),
            }),
          }),
        },
      },
      async (req) => {
        const r = ctx.models.vectors(req.body.model);
        // entries, not assignments: a word such as "__proto__" must stay a plain key
        const entries: [string, number[] | null][] = [];
        const missing: string[] = [];
        for (const w of req.body.words) {
          if (r.vectors.has(w)) entries.push([w, Array.from(r.vectors.get(w))]);
          else if (r.fastText) entries.push([w, Array.from(r.fastText.wordVector(w))]);
          else {
            entries.push([w, null]);
            missing.push(w);
          }
        }
        const vectors = Object.fromEntries(entries);
        if (missing.length === req.body.words.length)
          throw notFound(`none of the words is in the vocabulary of model "${r.name}": ${missing.map((w) => `"${w}"`).join(', ')}`);
        return { vectors, missing, dims: r.vectors.dim };
      },
    );
  };
}
