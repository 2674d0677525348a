export { communities, duplicateGroups } from './communities.js';
export { matchTexts, type MatchOptions } from './match-queries.js';
export { checkMatrix, minePairs, type MinePairsOptions, type SimilarPair } from './paraphrase-mining.js';
