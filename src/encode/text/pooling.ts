import { FileFormatError, UsageError } from '../../errors.js';
import { readTextFile } from '../../io/core/read-file.js';
import type { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { MaxPoolingEncoder, MeanPoolingEncoder } from './mean-max.js';
import { SifEncoder, type SifOptions } from './sif.js';
import { TfidfPoolingEncoder, type TfidfPoolingOptions } from './tfidf.js';
import { parseStateFile, type PoolingMethod, type WordPoolingEncoder, type WordPoolingOptions } from './word-pooling.js';

export { MaxPoolingEncoder, MeanPoolingEncoder } from './mean-max.js';
export {
  powerIterationComponents,
  SifEncoder,
  zipfWeights,
  type PowerIterationResult,
  type SifFrequencies,
  type SifOptions,
} from './sif.js';
export { TfidfPoolingEncoder, type TfidfPoolingOptions } from './tfidf.js';
export {
  fingerprintVectors,
  WordPoolingEncoder,
  type DetailedEmbeddings,
  type PoolingMethod,
  type PoolingStateFile,
  type TokenAnalysis,
  type WordPoolingOptions,
} from './word-pooling.js';

/** Options of any pooling method (each method reads its own). */
export type PoolingOptions = WordPoolingOptions & SifOptions & TfidfPoolingOptions;

export const POOLING_METHODS: readonly PoolingMethod[] = ['mean', 'max', 'tfidf', 'sif'];

/** A word-pooling encoder of `method` over `vectors`. */
export function createPoolingEncoder(method: PoolingMethod, vectors: KeyedVectors, options: PoolingOptions = {}): WordPoolingEncoder {
  switch (method) {
    case 'mean':
      return new MeanPoolingEncoder(vectors, options);
    case 'max':
      return new MaxPoolingEncoder(vectors, options);
    case 'tfidf':
      return new TfidfPoolingEncoder(vectors, options);
    case 'sif':
      return new SifEncoder(vectors, options);
    default:
      throw new UsageError(`unknown pooling method ${JSON.stringify(method)} (expected ${POOLING_METHODS.join(', ')})`);
  }
}

/**
 * Rebuilds an encoder saved with `save(file)`: the method and hyper-parameters come from the file,
 * the word vectors (same dimension) and the tokenizer/name from the arguments.
 */
export async function loadPoolingEncoder(
  file: string,
  vectors: KeyedVectors,
  options: WordPoolingOptions = {},
): Promise<WordPoolingEncoder> {
  const doc = parseStateFile(file, await readTextFile(file));
  if (doc.dim !== vectors.dim) throw new FileFormatError(file, `state fitted on ${doc.dim}-d vectors, these are ${vectors.dim}-d`);
  const params = doc.params as PoolingOptions;
  let encoder: WordPoolingEncoder;
  try {
    encoder = createPoolingEncoder(doc.method, vectors, { ...options, ...params });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    createPoolingEncoder(doc.method, vectors, options); // throws the caller's own usage error, if that is the one
    throw new FileFormatError(file, `bad hyper-parameters: ${error.message}`);
  }
  return encoder.loadState(file);
}
