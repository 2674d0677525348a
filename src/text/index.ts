/**
 * The text pipeline: tokenizer, stop words, streaming corpus readers, and the inputs word2vec
 * training takes. Package entry `embedkit/text`.
 * @module embedkit/text
 */
export { Tokenizer } from './tokenizer.js';
export { DEFAULT_TOKENIZER_OPTIONS, type ResolvedTokenizerOptions, type TokenizerOptions } from './tokenizer-options.js';
export type { TextTokenizer } from './text-tokenizer.js';
export type { StopWordsOption } from './stop-word-option.js';
export { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS, STOP_WORD_LISTS, type StopWordListName } from './stopwords/index.js';
export { Corpus, DEFAULT_MAX_SENTENCE_LENGTH, type CorpusProgress, type ReadOptions, type SentenceOptions } from './corpus.js';
export { DEFAULT_MAX_LINE_BYTES, FileCorpus, type FileCorpusOptions } from './file-corpus.js';
export { LineCorpus, type LineSource } from './line-corpus.js';
export type { InvalidUtf8Policy } from './line-splitter.js';
export { expandFilePatterns } from './glob.js';
export { FILE_ERROR_CODES } from './file-errors.js';
export { sentencesFrom, tokenizedCorpus, type SentenceSource, type TrainingInput } from './sentence-source.js';
export { Vocabulary } from './vocabulary.js';
export type { VocabularyOptions } from './vocab-scanner.js';
export { tagPartsOfSpeech, type TagOptions } from './pos/tag-parts-of-speech.js';
export type { PosLanguage, TaggedToken } from './pos/tagged-token.js';
export { isUniversalPosTag, UNIVERSAL_POS_TAGS, type UniversalPosTag } from './pos/universal-tags.js';
export { JIEBA_TO_UNIVERSAL, jiebaTagToUniversal } from './pos/jieba-tags.js';
