// embedkit vector file formats: public API (re-exports only).
export { openAtomicWriter, writeFileAtomic, writeFileAtomicSync, type AtomicWriter, type WritableChunk } from './atomic-write.js';
export { crc32 } from './crc32.js';
export { detectFormat, detectFormatOfBytes, detectFormatSync, type Detection } from './detect.js';
export { EKV_MAGIC, EKV_VERSION } from './ekv-layout.js';
export { formatFloat32 } from './float-text.js';
export { FORMAT_NAMES, FORMATS, formatForPath, getFormat } from './formats.js';
export { loadVectors, loadVectorsSync, loadVectorsWithInfo, loadVectorsWithInfoSync, type LoadOptions } from './load.js';
export type { VectorReadOptions } from './read-options.js';
export { saveVectors, saveVectorsSync, type SaveOptions } from './save.js';
export type { DuplicatePolicy } from './vector-collector.js';
export type { LoadResult, VectorFormat, VectorFormatName, WriteOptions } from './vector-format.js';
export type { UnicodeErrors } from './words.js';
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
} from './container.js';
export { readJsonlVectors, streamJsonlVectors, type JsonlBatch, type JsonlReadOptions, type JsonlVectors } from './jsonl-read.js';
export type { RecordId } from './jsonl-record.js';
export { writeJsonlVectors, type JsonlVectorsInput } from './jsonl-write.js';
export type { NpyArray } from './npy-dtype.js';
export { readNpy, readNpySync, type NpyMatrix } from './npy-read.js';
export { writeNpy, writeNpySync, type NpyWritableArray } from './npy-write.js';
export { readVectorsAny, type AnyVectorFormat, type AnyVectors, type ReadAnyOptions } from './read-any.js';
export type { RowSliceOptions } from './row-slice.js';
export { VECS_MAX_DIM, vecsKindOfPath, type TypedMatrix, type VecsArrayTypes, type VecsKind } from './vecs-layout.js';
export { readBvecs, readFvecs, readIvecs, readVecs, readVecsSync } from './vecs-read.js';
export { streamVecs, type VecsBatch, type VecsStreamOptions } from './vecs-stream.js';
export { writeBvecs, writeFvecs, writeIvecs, writeVecs, writeVecsSync, type MatrixInput } from './vecs-write.js';
