export { Item2Vec, type Item2VecOptions, type NextOptions, type Recommendation } from './item2vec.js';
