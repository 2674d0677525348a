import { open, readFile, stat } from 'node:fs/promises';
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

/**
 * `embedkit jobs index` output is served partition by partition, and only when it was built with
 * --encoder (search index folders): the folder of all partitions, or a bare partition index, gets
 * an error saying what to serve instead. `describing` is the manifest of that folder or the record
 * next to a partition's index file; anything else is left to the other readers.
 */
async function refuseJobsIndexLayout(source: string, describing: string): Promise<void> {
  let doc: { format?: unknown; encoder?: unknown; shards?: { index?: unknown }[]; partitions?: unknown; rowStart?: unknown };
  try {
    doc = JSON.parse(await readFile(describing, 'utf8')) as typeof doc;
  } catch {
    return;
  }
  if (doc?.format === 'embedkit-index-shards' && Array.isArray(doc.shards)) {
    const first = typeof doc.shards[0]?.index === 'string' ? path.join(source, doc.shards[0].index) : undefined;
    throw new FileFormatError(
      source,
      typeof doc.encoder === 'string' && first
        ? `is the output of \`embedkit jobs index\` (${doc.shards.length} partitions): serve each partition with its own server, \`embedkit serve --shard NAME=${first}\` …, and put \`serve --router\` in front`
        : `is the output of \`embedkit jobs index\` without --encoder: its partitions are bare vector indexes; rebuild with \`jobs index --encoder NAME --metric cosine\` to serve them`,
    );
  }
  if (typeof doc?.partitions === 'number' && typeof doc.rowStart === 'number')
    throw new FileFormatError(
      source,
      'is a bare vector index of `embedkit jobs index` (built without --encoder): the server loads search index folders; rebuild with `jobs index --encoder NAME --metric cosine`',
    );
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
    await refuseJobsIndexLayout(source, path.join(source, 'manifest.json'));
    o.log?.(`${name}: loading the search index ${source}…`);
    return loadIndexFolder(name, source, o);
  }
  await refuseJobsIndexLayout(source, `${source}.json`);
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
