import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { App, ServeContext } from '../context.js';
import type { IndexResource, VectorsResource } from '../resources/types.js';
import { Metadata, ModelName, withErrors } from '../schemas.js';

const ModelInfo = Type.Object({
  name: Type.String({ description: 'what the other calls take as `model` / `index`' }),
  kind: Type.Union([Type.Literal('vectors'), Type.Literal('index')]),
  count: Type.Integer({ description: 'words (vectors) or documents (index)' }),
  dims: Type.Integer(),
  encoder: Type.Optional(Type.String({ description: 'the encoder of an index (also usable in /v1/embed)' })),
  hasThumbnails: Type.Boolean(),
  subwords: Type.Boolean({ description: 'vectors for words outside the vocabulary (fastText model)' }),
  modality: Type.Optional(Type.String({ description: 'text, image or audio (indexes)' })),
  source: Type.String({ description: 'file or folder name it was loaded from' }),
});

const ClassifierInfo = Type.Object({
  name: Type.String(),
  format: Type.String({ description: 'classifier (embedkit classify) or fasttext (supervised .bin/.ftz)' }),
  labels: Type.Array(Type.String()),
});

const EncoderInfo = Type.Object({ name: Type.String(), modality: Type.String(), dims: Type.Integer() });

const Point = Type.Object({
  id: Type.Union([Type.Integer(), Type.String()], { description: 'row number (vectors) or document id (index)' }),
  label: Type.String({ description: 'the word, or the document title / first 80 characters' }),
  metadata: Type.Optional(Metadata),
});

const LABEL_CHARS = 80;

/** Labels computed so far, per index (the server never changes a loaded index; at most one short string per document). */
const labelCache = new WeakMap<IndexResource, Map<string, string>>();

/** The label of a document: its metadata title, else the start of its text, else its file name, else its id. */
export function documentLabel(index: IndexResource, id: string | number): string {
  let labels = labelCache.get(index);
  if (!labels) labelCache.set(index, (labels = new Map()));
  const key = String(id);
  let label = labels.get(key);
  if (label === undefined) {
    label = computeLabel(index, id);
    // only documents of the index: an unknown id must not grow the cache
    if (index.rowOf.has(key)) labels.set(key, label);
  }
  return label;
}

function computeLabel(index: IndexResource, id: string | number): string {
  const doc = index.search.get(id);
  const title = doc?.metadata?.title;
  if (typeof title === 'string' && title.length > 0) return title.slice(0, LABEL_CHARS);
  if (doc?.text) return doc.text.replace(/\s+/g, ' ').trim().slice(0, LABEL_CHARS);
  if (doc?.path) return path.basename(doc.path);
  return String(id);
}

function modelInfo(r: VectorsResource | IndexResource) {
  const source = path.basename(r.source);
  if (r.kind === 'vectors')
    return { name: r.name, kind: r.kind, count: r.vectors.size, dims: r.vectors.dim, hasThumbnails: false, subwords: !!r.fastText, source };
  return {
    name: r.name,
    kind: r.kind,
    count: r.ids.length,
    dims: r.search.settings.dim,
    encoder: r.search.settings.encoderName,
    hasThumbnails: r.hasThumbnails,
    subwords: false,
    modality: r.search.settings.modality,
    source,
  };
}

/** `GET /v1/models`, `GET /v1/encoders`, `GET /v1/points`. */
export function modelRoutes(ctx: ServeContext) {
  return async function (app: App): Promise<void> {
    app.get(
      '/v1/models',
      {
        schema: {
          summary: 'The loaded word-vector models and search indexes (plus classifiers and encoders)',
          tags: ['models'],
          response: withErrors({
            200: Type.Object({
              models: Type.Array(ModelInfo),
              classifiers: Type.Array(ClassifierInfo),
              encoders: Type.Array(EncoderInfo),
            }),
          }),
        },
      },
      async () => ({
        models: ctx.models.models().map(modelInfo),
        classifiers: ctx.models.classifiers().map((c) => ({ name: c.name, format: c.format, labels: [...c.labels] })),
        encoders: ctx.models.encoders().map((e) => ({ name: e.name, modality: e.modality, dims: e.dims })),
      }),
    );

    app.get(
      '/v1/encoders',
      {
        schema: {
          summary: 'Encoders /v1/embed can use',
          tags: ['embed'],
          response: withErrors({ 200: Type.Object({ encoders: Type.Array(EncoderInfo) }) }),
        },
      },
      async () => ({ encoders: ctx.models.encoders().map((e) => ({ name: e.name, modality: e.modality, dims: e.dims })) }),
    );

    app.get(
      '/v1/points',
      {
        schema: {
          summary: 'The points of a model, in row order (the order of projection coordinates)',
          tags: ['models'],
          querystring: Type.Object(
            {
              model: Type.Optional(ModelName),
              offset: Type.Integer({ minimum: 0, default: 0 }),
              limit: Type.Integer({ minimum: 1, maximum: ctx.limits.maxPage, default: ctx.limits.maxPage }),
            },
            { additionalProperties: false },
          ),
          response: withErrors({
            200: Type.Object({
              total: Type.Integer({ description: 'points of the model' }),
              offset: Type.Integer(),
              items: Type.Array(Point),
            }),
          }),
        },
      },
      async (req) => {
        const r = ctx.models.model(req.query.model);
        const { offset, limit } = req.query;
        if (r.kind === 'vectors') {
          const kv = r.vectors;
          const end = Math.min(kv.size, offset + limit);
          const items = [];
          for (let i = offset; i < end; i++) {
            const item: { id: number; label: string; metadata?: Record<string, unknown> } = { id: i, label: kv.wordAt(i) };
            if (kv.counts) item.metadata = { count: kv.counts[i] };
            items.push(item);
          }
          return { total: kv.size, offset, items };
        }
        const end = Math.min(r.ids.length, offset + limit);
        const items = [];
        for (let i = offset; i < end; i++) {
          const id = r.ids[i];
          const metadata = r.search.get(id)?.metadata;
          items.push({
            id,
            label: documentLabel(r, id),
            ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
          });
        }
        return { total: r.ids.length, offset, items };
      },
    );
  };
}
