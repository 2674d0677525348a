/**
 * Vector files: word-vector formats (ekv, word2vec binary and text, GloVe, fastText .vec) with
 * detection from the content, and matrix formats (.fvecs/.ivecs/.bvecs, .npy, JSON Lines). Readers
 * validate and name the file and the problem; writers are atomic. Package entry `embedkit/io`.
 * @module embedkit/io
 */
export { detectFormat, detectFormatSync, type Detection } from './word-vectors/detect.js';
export { FORMAT_NAMES } from './word-vectors/formats.js';
export { readWordVectors, readWordVectorsSync, type ReadWordVectorsOptions } from './word-vectors/read.js';
export { writeWordVectors, writeWordVectorsSync, type WriteWordVectorsOptions } from './word-vectors/write.js';
export { PackedWords } from './word-vectors/packed-words.js';
export type { VectorReadOptions } from './word-vectors/read-options.js';
export type { DuplicatePolicy } from './word-vectors/vector-collector.js';
export type { VectorFormatName, WordVectorsData, WordVectorsFile, WriteOptions } from './word-vectors/vector-format.js';
export type { UnicodeErrors } from './word-vectors/words.js';
export { readJsonlVectors, streamJsonlVectors, type JsonlBatch, type JsonlReadOptions, type JsonlVectors } from './matrix/jsonl-read.js';
export type { RecordId } from './matrix/jsonl-record.js';
export { writeJsonlVectors, type JsonlVectorsInput } from './matrix/jsonl-write.js';
export type { NpyArray } from './matrix/npy-dtype.js';
export { readNpy, readNpySync, type NpyMatrix } from './matrix/npy-read.js';
export { writeNpy, writeNpySync, type NpyWritableArray } from './matrix/npy-write.js';
export { readVectorsAny, type AnyVectorFormat, type AnyVectors, type ReadAnyOptions } from './matrix/read-any.js';
export type { RowSliceOptions } from './matrix/row-slice.js';
export type { TypedMatrix, VecsArrayTypes, VecsKind } from './matrix/vecs-layout.js';
export { readBvecs, readFvecs, readIvecs, readVecs, readVecsSync } from './matrix/vecs-read.js';
export { streamVecs, type VecsBatch, type VecsStreamOptions } from './matrix/vecs-stream.js';
export { writeBvecs, writeFvecs, writeIvecs, writeVecs, writeVecsSync, type MatrixInput } from './matrix/vecs-write.js';
export { openVecsWriter, type VecsWriter, type VecsWriterOptions } from './matrix/vecs-stream-write.js';
export {
  FASTTEXT_MAGIC,
  FASTTEXT_VERSION,
  type DenseMatrix,
  type FastTextArgs,
  type FastTextDictionary,
  type FastTextLoss,
  type FastTextMatrix,
  type FastTextModelData,
  type FastTextModelName,
  type ProductQuantizer,
  type QuantMatrix,
} from './fasttext/model-data.js';
export { isFastTextModel, readFastTextModel, readFastTextModelSync } from './fasttext/read.js';
export { writeFastTextModel, writeFastTextModelSync } from './fasttext/write.js';
export {
  activeEncryptionKey,
  decryptFile,
  encryptFile,
  EncryptedFileError,
  EncryptionKey,
  generateKeyFile,
  isEncryptedFile,
  loadKeyFile,
  readEnvelopeInfo,
  setEncryptionKey,
  withEncryptionKey,
  type EncryptedFileProblem,
  type EnvelopeInfo,
  type FileCryptOptions,
  type FileCryptResult,
} from './crypto/index.js';
export { readFileBytes, readTextFile } from './core/read-file.js';
