import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { Tokenizer } from '../../src/text/tokenizer.js';

const SENTENCE = 'The children were eating apples in the big garden.';

describe('Tokenizer: keepPos and lemma', () => {
  it('keeps only the tokens with the given Universal POS tags (case-insensitive)', () => {
    expect(new Tokenizer({ keepPos: ['NOUN', 'VERB'] }).tokenize(SENTENCE)).toEqual(['children', 'eating', 'apples', 'garden']);
    expect(new Tokenizer({ keepPos: ['adj'] }).tokenize(SENTENCE)).toEqual(['big']);
  });

  it('replaces words by their lemmas, alone or with the filter', () => {
    expect(new Tokenizer({ lemma: true }).tokenize(SENTENCE)).toEqual(['the', 'child', 'be', 'eat', 'apple', 'in', 'the', 'big', 'garden']);
    expect(new Tokenizer({ keepPos: ['NOUN', 'VERB'], lemma: true }).tokenize(SENTENCE)).toEqual(['child', 'eat', 'apple', 'garden']);
  });

  it('applies the other options to the tagged tokens: case, stop words (on lemmas), numbers, punctuation', () => {
    expect(new Tokenizer({ lemma: true, lowercase: false }).tokenize('John was here')).toEqual(['John', 'be', 'here']);
    expect(new Tokenizer({ lemma: true, stopWords: ['be', 'the'] }).tokenize('The cats were here')).toEqual(['cat', 'here']);
    expect(new Tokenizer({ lemma: true, numbers: 'replace' }).tokenize('I ate 3 apples')).toEqual(['i', 'eat', '<num>', 'apple']);
    expect(new Tokenizer({ lemma: true, punctuation: 'keep' }).tokenize('Stop, now!')).toEqual(['stop', ',', 'now', '!']);
    expect(new Tokenizer({ lemma: true }).tokenize('Stop, now!')).toEqual(['stop', 'now']);
  });

  it('filters Chinese by the jieba tags mapped to UPOS', () => {
    expect(new Tokenizer({ keepPos: ['NOUN', 'PROPN'] }).tokenize('我是北京大学的研究生。')).toEqual(['北京大学', '研究生']);
    expect(new Tokenizer({ keepPos: ['VERB'], posLanguage: 'zh' }).tokenize('我是北京大学的研究生。')).toEqual(['是']);
  });

  it('tokenizeWithTags gives one tag per final token', () => {
    const t = new Tokenizer({ punctuation: 'keep', stopWords: ['the'] });
    expect(t.tokenizeWithTags('The big garden.')).toEqual({ tokens: ['big', 'garden', '.'], tags: ['ADJ', 'NOUN', 'PUNCT'] });
    expect(new Tokenizer({ keepPos: ['NOUN'] }).tokenizeWithTags(SENTENCE)).toEqual({
      tokens: ['children', 'apples', 'garden'],
      tags: ['NOUN', 'NOUN', 'NOUN'],
    });
    expect(t.tokenizeWithTags('')).toEqual({ tokens: [], tags: [] });
  });

  it('round-trips through its resolved options, as the vocabulary scan worker rebuilds it', () => {
    const t = new Tokenizer({ keepPos: new Set(['verb', 'NOUN']), lemma: true });
    expect(t.options.keepPos).toEqual(['NOUN', 'VERB']);
    const copy = new Tokenizer(structuredClone({ ...t.options, stopWords: [...t.options.stopWords] }));
    expect(copy.tokenize(SENTENCE)).toEqual(t.tokenize(SENTENCE));
  });

  it('leaves the default options untouched: no tagging, same tokens as before', () => {
    const t = new Tokenizer();
    expect(t.options).toMatchObject({ keepPos: undefined, lemma: false, segmenter: 'intl', posLanguage: 'auto' });
    expect(t.tokenize("Don't panic: it's state-of-the-art!")).toEqual(["don't", 'panic', "it's", 'state-of-the-art']);
  });

  it('rejects bad values with UsageError', () => {
    expect(() => new Tokenizer({ keepPos: ['NOUN', 'NOUNS'] })).toThrow(/'NOUNS' is not a Universal POS tag/);
    expect(() => new Tokenizer({ keepPos: [] })).toThrow(UsageError);
    expect(() => new Tokenizer({ keepPos: 'NOUN' })).toThrow(UsageError);
    expect(() => new Tokenizer({ lemma: 'yes' as unknown as boolean })).toThrow(UsageError);
    expect(() => new Tokenizer({ posLanguage: 'de' as 'en' })).toThrow(UsageError);
    expect(() => new Tokenizer({ lemma: true, segmentation: 'whitespace' })).toThrow(/segmentation must be 'auto'/);
  });
});
