export * from './model-data.js';
export { isFastTextModel, parseFastTextModel, readFastTextModel, readFastTextModelSync } from './read.js';
export { encodeFastTextModel, writeFastTextModel, writeFastTextModelSync } from './write.js';
