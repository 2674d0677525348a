import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { tagPartsOfSpeech } from '../../../src/text/pos/tag-parts-of-speech.js';

const triples = (text: string, lang?: 'auto' | 'en' | 'zh') => tagPartsOfSpeech(text, { lang }).map((t) => [t.token, t.pos, t.tag]);

describe('tagPartsOfSpeech: English (wink-nlp + wink-eng-lite-web-model)', () => {
  it('tags a known sentence in Universal POS, with lemmas', () => {
    const tagged = tagPartsOfSpeech('She has been running faster than John.');
    expect(tagged.map((t) => t.token)).toEqual(['She', 'has', 'been', 'running', 'faster', 'than', 'John', '.']);
    expect(tagged.map((t) => t.pos)).toEqual(['PRON', 'AUX', 'AUX', 'VERB', 'ADV', 'ADP', 'PROPN', 'PUNCT']);
    expect(tagged.map((t) => t.lemma).slice(0, 4)).toEqual(['she', 'have', 'be', 'run']);
    for (const t of tagged) expect(t.tag).toBe(t.pos);
  });

  it('tags nouns, verbs and adjectives of a second sentence; plural and irregular lemmas', () => {
    const tagged = tagPartsOfSpeech('The children were eating apples in the big garden.', { lang: 'en' });
    expect(tagged.map((t) => [t.token, t.pos, t.lemma])).toEqual([
      ['The', 'DET', 'the'],
      ['children', 'NOUN', 'child'],
      ['were', 'AUX', 'be'],
      ['eating', 'VERB', 'eat'],
      ['apples', 'NOUN', 'apple'],
      ['in', 'ADP', 'in'],
      ['the', 'DET', 'the'],
      ['big', 'ADJ', 'big'],
      ['garden', 'NOUN', 'garden'],
      ['.', 'PUNCT', '.'],
    ]);
  });

  it('splits contractions as the tagger does and never returns whitespace', () => {
    const tagged = tagPartsOfSpeech("I don't\tknow.");
    expect(tagged.map((t) => t.token)).toEqual(['I', 'do', "n't", 'know', '.']);
    expect(tagged.find((t) => t.token === "n't")).toMatchObject({ pos: 'PART', lemma: 'not' });
    expect(tagPartsOfSpeech('   \t ')).toEqual([]);
    expect(tagPartsOfSpeech('')).toEqual([]);
  });
});

describe('tagPartsOfSpeech: Chinese (jieba)', () => {
  it("tags a known sentence with jieba's segmentation and tags, mapped to UPOS", () => {
    expect(triples('我是北京大学的研究生。')).toEqual([
      ['我', 'PRON', 'r'],
      ['是', 'VERB', 'v'],
      ['北京大学', 'PROPN', 'nt'],
      ['的', 'PART', 'uj'],
      ['研究生', 'NOUN', 'n'],
      ['。', 'PUNCT', 'x'],
    ]);
    expect(tagPartsOfSpeech('我是北京大学的研究生').every((t) => t.lemma === undefined)).toBe(true);
  });

  it("lang 'zh' gives the whole text to jieba (Latin words: eng → X, numbers: m → NUM)", () => {
    expect(triples('iPhone 卖 5999 元', 'zh')).toEqual([
      ['iPhone', 'X', 'eng'],
      ['卖', 'VERB', 'v'],
      ['5999', 'NUM', 'm'],
      ['元', 'NUM', 'm'],
    ]);
  });
});

describe("tagPartsOfSpeech: lang 'auto' on mixed text", () => {
  it('tags the Chinese runs with jieba and the English between them with wink-nlp', () => {
    const tagged = triples('我喜欢 New York 的 pizza');
    expect(tagged).toEqual([
      ['我', 'PRON', 'r'],
      ['喜欢', 'VERB', 'v'],
      ['New', 'PROPN', 'PROPN'],
      ['York', 'PROPN', 'PROPN'],
      ['的', 'PART', 'uj'],
      ['pizza', 'NOUN', 'NOUN'],
    ]);
  });

  it('tags numbers and punctuation between Chinese runs itself, and Japanese words as X', () => {
    expect(triples('2024年，我在北京')).toEqual([
      ['2024', 'NUM', ''],
      ['年', 'NUM', 'm'],
      ['，', 'PUNCT', ''],
      ['我', 'PRON', 'r'],
      ['在', 'ADP', 'p'],
      ['北京', 'PROPN', 'ns'],
    ]);
    const ja = tagPartsOfSpeech('東京に行きます');
    expect(ja.length).toBeGreaterThan(1);
    expect(ja.every((t) => t.pos === 'X' && t.tag === '')).toBe(true);
  });

  it('rejects bad arguments', () => {
    expect(() => tagPartsOfSpeech(3 as unknown as string)).toThrow(UsageError);
    expect(() => tagPartsOfSpeech('x', { lang: 'fr' as 'en' })).toThrow(/lang/);
  });
});
