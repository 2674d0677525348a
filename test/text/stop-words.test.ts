import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS, STOP_WORD_LISTS } from '../../src/text/stopwords/index.js';
import { Tokenizer } from '../../src/text/tokenizer.js';

describe('built-in stop-word lists', () => {
  it('are non-trivial, lowercase, free of duplicates and frozen', () => {
    expect(ENGLISH_STOP_WORDS.length).toBeGreaterThanOrEqual(150);
    expect(ENGLISH_STOP_WORDS.length).toBeLessThanOrEqual(300);
    expect(CHINESE_STOP_WORDS.length).toBeGreaterThanOrEqual(100);
    for (const list of [ENGLISH_STOP_WORDS, CHINESE_STOP_WORDS]) {
      expect(new Set(list).size).toBe(list.length);
      expect(Object.isFrozen(list)).toBe(true);
      for (const w of list) expect(w).toBe(w.toLowerCase().normalize('NFC').trim());
    }
    expect(STOP_WORD_LISTS.en).toBe(ENGLISH_STOP_WORDS);
    expect(STOP_WORD_LISTS.zh).toBe(CHINESE_STOP_WORDS);
  });

  it('contain the expected function words', () => {
    for (const w of ['the', 'a', 'of', 'and', 'is', "don't", 'you']) expect(ENGLISH_STOP_WORDS).toContain(w);
    for (const w of ['的', '了', '在', '是', '我', '有', '和', '就', '不', '一个', '没有', '自己', '这'])
      expect(CHINESE_STOP_WORDS).toContain(w);
  });

  it('every English stop word is a single token under the default tokenizer', () => {
    const t = new Tokenizer();
    for (const w of ENGLISH_STOP_WORDS) expect(t.tokenize(w)).toEqual([w]);
  });
});

describe('Tokenizer stopWords option', () => {
  it("removes English stop words with 'en', matching after lowercasing and apostrophe folding", () => {
    expect(new Tokenizer({ stopWords: 'en' }).tokenize('The cat DIDN\u2019T sit on the mat')).toEqual(['cat', 'sit', 'mat']);
  });

  it("removes Chinese stop words with 'zh'", () => {
    expect(new Tokenizer({ stopWords: 'zh' }).tokenize('我喜欢机器学习')).toEqual(['喜欢', '机器', '学习']);
    expect(new Tokenizer({ stopWords: 'zh' }).tokenize('今天的天气很好')).toEqual(['今天', '天气', '很好']);
  });

  it('accepts a user list (array or Set), normalized and lowercased like the text', () => {
    expect(new Tokenizer({ stopWords: ['Cat', 'CAFE\u0301'] }).tokenize('the cat in the café')).toEqual(['the', 'in', 'the']);
    expect(new Tokenizer({ stopWords: new Set(['the']) }).tokenize('the cat')).toEqual(['cat']);
  });

  it('combines built-in lists and extra words', () => {
    const t = new Tokenizer({ stopWords: { lists: ['en', 'zh'], extra: ['cat', '喜欢'] } });
    expect(t.tokenize('The cat and 我喜欢机器学习')).toEqual(['机器', '学习']);
    expect(new Tokenizer({ stopWords: { extra: ['b'] } }).tokenize('a b c')).toEqual(['a', 'c']);
  });

  it('works on the ASCII fast path and applies to replaced numbers and punctuation', () => {
    expect(new Tokenizer({ stopWords: 'en' }).tokenize('the quick brown fox and the dog')).toEqual(['quick', 'brown', 'fox', 'dog']);
    expect(new Tokenizer({ numbers: 'replace', stopWords: ['<num>'] }).tokenize('7 days')).toEqual(['days']);
    expect(new Tokenizer({ punctuation: 'keep', stopWords: [','] }).tokenize('a, b!')).toEqual(['a', 'b', '!']);
  });

  it('treats an array like ["en"] as words, not list names', () => {
    expect(new Tokenizer({ stopWords: ['en'] }).tokenize('the en')).toEqual(['the']);
  });

  it('rejects unknown list names and non-string words', () => {
    expect(() => new Tokenizer({ stopWords: 'fr' as 'en' })).toThrow(UsageError);
    expect(() => new Tokenizer({ stopWords: { lists: ['de' as 'en'] } })).toThrow(/unknown built-in list 'de'/);
    expect(() => new Tokenizer({ stopWords: [1 as unknown as string] })).toThrow(/must be a string/);
    expect(() => new Tokenizer({ stopWords: { extra: 'abc' as unknown as string[] } })).toThrow(/extra/);
  });
});
