import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { isFastTextModel } from '../../io/fasttext/read.js';
import { isPackageAvailable } from '../../optional-packages.js';
import { Classifier } from '../../tasks/classify/classifier.js';
import { loadSearchIndex } from '../../tasks/search/persistence.js';
import { FastTextModel } from '../../vectors/fasttext/fasttext-model.js';
import { FastTextClassifier } from '../../vectors/fasttext/supervised/classifier.js';
import { loadVectorsWithInfo } from '../../vectors/load.js';
import type { ClassifierResource, IndexResource, Resource, VectorsResource } from './types.js';

/** How word vectors are searched: an HNSW graph (default) or an exact scan. */
export type AnnType = 'hnsw' | 'flat';

/** Options of {@link loadResource}. */
export interface LoadResourceOptions {
  /** Read only the first `limit` vectors of a word-vector file. */
  limit?: number;
  /** Index built over word vectors for `/v1/similar` and `/v1/analogy`. Default 'hnsw'. */
  ann?: AnnType;
  /** Worker threads of the index builds. Default: available cores. */
  threads?: number;
  /** Progress lines (loading, index building). */
  log?: (message: string) => void;
}

/** The first bytes of a file. */
async function head(file: string, n: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const b = new Uint8Array(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The name a resource gets from its path: the file name without its extensions (`glove.100d.ekv` → `glove`). */
export function defaultName(source: string): string {
  const base = path.basename(path.resolve(source));
  const stem = base.replace(/\..*$/, '');
  return stem.length > 0 ? stem : base;
}

async function loadIndexFolder(name: string, dir: string, o: LoadResourceOptions): Promise<IndexResource> {
  const search = await loadSearchIndex(dir, { threads: o.threads ?? 1 });
  const state = search.state();
  const ids = state.docs.map((d) => d.id);
  const firstChunk = Int32Array.from(state.docs, (d) => d.chunks[0].key);
  const rowOf = new Map(ids.map((id, i) => [String(id), i]));
  const images = search.settings.modality === 'image' && state.docs.every((d) => typeof d.path === 'string');
  return { kind: 'index', name, source: dir, search, ids, rowOf, firstChunk, hasThumbnails: images && isPackageAvailable('sharp') };
}

async function buildAnn(resource: VectorsResource, o: LoadResourceOptions): Promise<void> {
  const kv = resource.vectors;
  if (kv.size === 0) return;
  const type = o.ann ?? 'hnsw';
  const t0 = performance.now();
  o.log?.(`${resource.name}: building the ${type} index of ${kv.size} × ${kv.dim} vectors…`);
  if (type === 'flat') await kv.buildIndex({ type: 'flat', threads: o.threads });
  else await kv.buildIndex({ threads: o.threads });
  o.log?.(`${resource.name}: index ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function fastTextClassifier(name: string, file: string, model: FastTextModel): ClassifierResource {
  const clf = FastTextClassifier.fromModel(model);
  const prefix = /^__label__/;
  return {
    kind: 'classifier',
    name,
    source: file,
    format: 'fasttext',
    labels: model.labels.map((l) => l.replace(prefix, '')),
    modality: 'text',
    predict: (texts, k) =>
      Promise.resolve(
        texts.map((t) =>
          clf.predict(t.replace(/\n/g, ' '), { k }).map((p) => ({ label: p.label.replace(prefix, ''), probability: p.probability })),
        ),
      ),
  };
}

async function embedkitClassifier(name: string, file: string): Promise<ClassifierResource> {
  const clf = await Classifier.load(file);
  if (clf.modality !== 'text')
    throw new UsageError(`${file}: a ${clf.modality} classifier; the server classifies texts only (use \`embedkit classify predict\`)`);
  return {
    kind: 'classifier',
    name,
    source: file,
    format: 'classifier',
    labels: clf.labels,
    modality: clf.modality,
    predict: async (texts, k) => (await clf.predictTop(texts, k)).map((p) => p.labels),
  };
}

/**
 * Loads what a `serve` argument names, telling the kind from the content: a folder with a
 * `manifest.json` is a search index; a fastText `.bin`/`.ftz` is a word-vector model (vectors for
 * any word) or, when it has labels, a classifier; a JSON `embedkit-classifier` file is a classifier;
 * anything else is read as a word-vector file (ekv, word2vec text/binary, GloVe, fastText .vec,
 * gzip or not). Word vectors get an index (HNSW by default) for their neighbour queries.
 */
export async function loadResource(name: string, source: string, o: LoadResourceOptions = {}): Promise<Resource> {
  const info = await stat(source).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new FileFormatError(source, 'no such file or folder') : e;
  });
  if (info.isDirectory()) {
    const manifest = await stat(path.join(source, 'manifest.json')).catch(() => undefined);
    if (!manifest) throw new FileFormatError(source, 'is a folder but not a search index (no manifest.json; see `embedkit search build`)');
    o.log?.(`${name}: loading the search index ${source}…`);
    return loadIndexFolder(name, source, o);
  }
  const first = await head(source, 64);
  if (isFastTextModel(first)) {
    o.log?.(`${name}: loading the fastText model ${source}…`);
    const model = await FastTextModel.load(source);
    if (model.data.dictionary.nlabels > 0) return fastTextClassifier(name, source, model);
    const resource: VectorsResource = { kind: 'vectors', name, source, vectors: model.wv, fastText: model };
    await buildAnn(resource, o);
    return resource;
  }
  if (Buffer.from(first).toString('latin1').includes('"embedkit-classifier"')) return embedkitClassifier(name, source);
  o.log?.(`${name}: loading the word vectors ${source}…`);
  const { vectors } = await loadVectorsWithInfo(source, o.limit !== undefined ? { limit: o.limit } : {});
  const resource: VectorsResource = { kind: 'vectors', name, source, vectors };
  await buildAnn(resource, o);
  return resource;
}
