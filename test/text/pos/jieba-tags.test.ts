import { describe, expect, it } from 'vitest';
import { JIEBA_TO_UNIVERSAL, jiebaTagToUniversal } from '../../../src/text/pos/jieba-tags.js';
import { isUniversalPosTag, UNIVERSAL_POS_TAGS } from '../../../src/text/pos/universal-tags.js';

describe('jieba tags → Universal POS', () => {
  it('maps the word classes of the ICTCLAS tag set', () => {
    const cases: [string, string][] = [
      ['n', 'NOUN'],
      ['nr', 'PROPN'],
      ['ns', 'PROPN'],
      ['nt', 'PROPN'],
      ['nz', 'PROPN'],
      ['v', 'VERB'],
      ['vn', 'NOUN'],
      ['vd', 'ADV'],
      ['a', 'ADJ'],
      ['ad', 'ADV'],
      ['an', 'NOUN'],
      ['d', 'ADV'],
      ['m', 'NUM'],
      ['q', 'NOUN'],
      ['r', 'PRON'],
      ['p', 'ADP'],
      ['c', 'CCONJ'],
      ['uj', 'PART'],
      ['ul', 'PART'],
      ['y', 'PART'],
      ['e', 'INTJ'],
      ['eng', 'X'],
      ['x', 'X'],
      ['PER', 'PROPN'],
      ['TIME', 'NOUN'],
    ];
    for (const [tag, pos] of cases) expect([tag, jiebaTagToUniversal(tag, '词')]).toEqual([tag, pos]);
  });

  it('covers every tag of the dictionary shipped with @node-rs/jieba 2.0.3, each to a UPOS tag', () => {
    // The distinct third column of node_modules/@node-rs/jieba/dict.txt.
    const dictTags =
      'n nr v i l ns m nz nrt zg nt a vn z d t j b g r s c nrfg x f ng o q vg p ad mq y ag an e u tg vq vi k vd rr mg h dg uz uv ul uj ug ud rz rg df';
    for (const tag of dictTags.split(' ')) expect(Object.hasOwn(JIEBA_TO_UNIVERSAL, tag), tag).toBe(true);
    for (const pos of Object.values(JIEBA_TO_UNIVERSAL)) expect(isUniversalPosTag(pos)).toBe(true);
  });

  it('tags punctuation and symbols by their characters, whatever jieba says', () => {
    expect(jiebaTagToUniversal('x', '。')).toBe('PUNCT');
    expect(jiebaTagToUniversal('x', '，')).toBe('PUNCT');
    expect(jiebaTagToUniversal('x', '+')).toBe('SYM');
    expect(jiebaTagToUniversal('x', '杭研')).toBe('X');
  });

  it('falls back on the first letter for tags from user dictionaries, else X; never on Object.prototype', () => {
    expect(jiebaTagToUniversal('nx', '词')).toBe('NOUN');
    expect(jiebaTagToUniversal('vz', '词')).toBe('VERB');
    expect(jiebaTagToUniversal('__proto__', '词')).toBe('X');
    expect(jiebaTagToUniversal('toString', '词')).toBe('X');
    expect(jiebaTagToUniversal('', '词')).toBe('X');
  });

  it('lists the 17 UPOS tags', () => {
    expect(UNIVERSAL_POS_TAGS).toHaveLength(17);
  });
});
