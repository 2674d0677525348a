/**
 * Applications on embeddings: semantic search (hybrid BM25 + vectors), matching and paraphrase
 * mining, item2vec recommendations. Package entry `embedkit/tasks`.
 * @module embedkit/tasks
 */
export * from './search/index.js';
export * from './match/index.js';
export * from './recommend/index.js';
