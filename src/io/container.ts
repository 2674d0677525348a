// The index container (docs/formats/container.md): one import for the index code.
export { CONTAINER_ALIGN, CONTAINER_MAGIC, CONTAINER_VERSION } from './container-layout.js';
export { decodeContainer, readContainer, readContainerSync, type Container, type ReadContainerOptions } from './container-read.js';
export { sectionAs, type TypedArrayType } from './container-section.js';
export { writeContainer, writeContainerSync, type ContainerInput, type ContainerSectionInput } from './container-write.js';
export { cleanupStaleTemps, type CleanupStaleTempsOptions } from './stale-temps.js';
