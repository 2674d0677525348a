/**
 * Anything that turns a line of text into tokens. {@link Tokenizer} implements it; pass your own
 * object to use a different tokenizer with {@link Corpus.sentences}.
 */
export interface TextTokenizer {
  /** Splits `text` into tokens. Must not keep references to the returned array. */
  tokenize(text: string): string[];
}
