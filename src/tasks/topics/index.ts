export { classTfidfKeywords, type TopicKeyword } from './c-tfidf.js';
export { findTopics, type Topic, type TopicOptions, type TopicResult } from './topics.js';
