// The index container (docs/formats/container.md): one import for the index code.
export { CONTAINER_ALIGN, CONTAINER_MAGIC, CONTAINER_VERSION } from './layout.js';
export { decodeContainer, readContainer, readContainerSync, type Container, type ReadContainerOptions } from './read.js';
export { sectionAs, type TypedArrayType } from './section.js';
export { writeContainer, writeContainerSync, type ContainerInput, type ContainerSectionInput } from './write.js';
export { cleanupStaleTemps, type CleanupStaleTempsOptions } from '../core/stale-temps.js';
