// embedkit vector file formats: public API (re-exports only).
export { openAtomicWriter, writeFileAtomic, writeFileAtomicSync, type AtomicWriter, type WritableChunk } from './core/atomic-write.js';
export { crc32 } from './core/crc32.js';
export { detectFormat, detectFormatOfBytes, detectFormatSync, type Detection } from './word-vectors/detect.js';
export { EKV_MAGIC, EKV_VERSION } from './word-vectors/ekv-layout.js';
export { formatFloat32 } from './core/float-text.js';
export { FORMAT_NAMES, FORMATS, formatForPath, getFormat } from './word-vectors/formats.js';
export { readWordVectors, readWordVectorsSync, type ReadWordVectorsOptions } from './word-vectors/read.js';
export { writeWordVectors, writeWordVectorsSync, type WriteWordVectorsOptions } from './word-vectors/write.js';
export { PackedWords } from './word-vectors/packed-words.js';
export type { VectorReadOptions } from './word-vectors/read-options.js';
export type { DuplicatePolicy } from './word-vectors/vector-collector.js';
export type { VectorFormat, VectorFormatName, WordVectorsData, WordVectorsFile, WriteOptions } from './word-vectors/vector-format.js';
export type { UnicodeErrors } from './word-vectors/words.js';
export {
  CONTAINER_ALIGN,
  CONTAINER_MAGIC,
  CONTAINER_VERSION,
  cleanupStaleTemps,
  decodeContainer,
  readContainer,
  readContainerSync,
  sectionAs,
  writeContainer,
  writeContainerSync,
  type CleanupStaleTempsOptions,
  type Container,
  type ContainerInput,
  type ContainerSectionInput,
  type ReadContainerOptions,
  type TypedArrayType,
} from './container/index.js';
export { readJsonlVectors, streamJsonlVectors, type JsonlBatch, type JsonlReadOptions, type JsonlVectors } from './matrix/jsonl-read.js';
export type { RecordId } from './matrix/jsonl-record.js';
export { writeJsonlVectors, type JsonlVectorsInput } from './matrix/jsonl-write.js';
export type { NpyArray } from './matrix/npy-dtype.js';
export { readNpy, readNpySync, type NpyMatrix } from './matrix/npy-read.js';
export { writeNpy, writeNpySync, type NpyWritableArray } from './matrix/npy-write.js';
export { readVectorsAny, type AnyVectorFormat, type AnyVectors, type ReadAnyOptions } from './matrix/read-any.js';
export type { RowSliceOptions } from './matrix/row-slice.js';
export { VECS_MAX_DIM, vecsKindOfPath, type TypedMatrix, type VecsArrayTypes, type VecsKind } from './matrix/vecs-layout.js';
export { readBvecs, readFvecs, readIvecs, readVecs, readVecsSync } from './matrix/vecs-read.js';
export { streamVecs, type VecsBatch, type VecsStreamOptions } from './matrix/vecs-stream.js';
export { writeBvecs, writeFvecs, writeIvecs, writeVecs, writeVecsSync, type MatrixInput } from './matrix/vecs-write.js';
