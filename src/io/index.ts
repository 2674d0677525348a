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
