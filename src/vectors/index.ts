/**
 * Word vectors: `KeyedVectors` (a vocabulary and one matrix, apart from any training state), their
 * loading and saving in every supported format, and the word2vec trainer.
 * @module
 */
export * from './keyed-vectors.js';
export {
  loadVectors,
  loadVectorsSync,
  loadVectorsWithInfo,
  loadVectorsWithInfoSync,
  toKeyedVectors,
  type LoadOptions,
  type LoadResult,
} from './load.js';
export { saveVectors, saveVectorsSync, type SaveOptions } from './save.js';
