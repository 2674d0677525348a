export * from './dp/index.js';
export { deriveKey, MIN_KEY_BYTES, readKeyFile } from './key-file.js';
export { KeyedRotation, MAX_ROTATION_DIM } from './rotation.js';
export * from './scrub/index.js';
