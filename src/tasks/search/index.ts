export { Bm25Index, type Bm25Hit, type Bm25Options } from './bm25.js';
export { chunkText, type ChunkOptions } from './chunk.js';
export {
  DEFAULT_DOCUMENT_WEIGHT,
  DEFAULT_LATENT_WEIGHT,
  fuseRankings,
  overrideFusion,
  type FusionMode,
  type FusionOptions,
  type ScoredKey,
  type ScoreNormalization,
} from './fusion.js';
export { LatentSemanticModel, latentSettings, type LatentOptions, type LatentState } from './latent.js';
export { lexicalTerms } from './lexical-tokens.js';
export { compileFilter, type FieldCondition, type MetadataFilter } from './metadata-filter.js';
export { maximalMarginalRelevance } from './mmr.js';
export { loadSearchIndex, saveSearchIndex, SEARCH_INDEX_FORMAT, SEARCH_INDEX_VERSION, type LoadSearchIndexOptions } from './persistence.js';
export {
  SemanticSearch,
  type SearchDocument,
  type SearchQuery,
  type SearchQueryOptions,
  type SearchResult,
  type SemanticSearchOptions,
} from './semantic-search.js';
export { FUSION_GRID, tuneFusion, type FusionTuning, type JudgedQuery } from './tune.js';
