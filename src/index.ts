// embedkit public API: re-exports only.
export * from './errors.js';
export type { Matrix } from './math/matrix.js';
export { KeyedVectors, KeyError, type KeyedVectorsInit } from './word/keyed-vectors.js';
