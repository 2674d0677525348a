import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { Tokenizer } from '../../../src/text/tokenizer.js';

const intl = new Tokenizer();
const jieba = new Tokenizer({ segmenter: 'jieba' });

describe("Tokenizer: segmenter 'jieba'", () => {
  it("segments Chinese with jieba's dictionary where Intl.Segmenter (ICU) splits differently", () => {
    const line = '我是北京大学的研究生';
    expect(intl.tokenize(line)).toEqual(['我是', '北京', '大学', '的', '研究生']);
    expect(jieba.tokenize(line)).toEqual(['我', '是', '北京大学', '的', '研究生']);
    expect(jieba.tokenize('南京市长江大桥')).toEqual(['南京市', '长江大桥']);
    expect(intl.tokenize('南京市长江大桥')).not.toEqual(['南京市', '长江大桥']);
  });

  it('keeps the word rule for Latin text around the Chinese runs, and the other options', () => {
    expect(jieba.tokenize('I study at 北京大学, Room 3.14')).toEqual(['i', 'study', 'at', '北京大学', 'room', '3.14']);
    expect(new Tokenizer({ segmenter: 'jieba', punctuation: 'keep' }).tokenize('北京大学。你好！')).toEqual([
      '北京大学',
      '。',
      '你好',
      '！',
    ]);
    expect(new Tokenizer({ segmenter: 'jieba', stopWords: 'zh' }).tokenize('我是北京大学的研究生')).toEqual(['北京大学', '研究生']);
  });

  it('leaves Japanese and Thai runs to Intl.Segmenter', () => {
    for (const line of ['東京に行きます', 'ภาษาไทยง่ายนิดเดียว']) expect(jieba.tokenize(line)).toEqual(intl.tokenize(line));
  });

  it("needs segmentation 'auto'", () => {
    expect(() => new Tokenizer({ segmenter: 'jieba', segmentation: 'intl' })).toThrow(UsageError);
    expect(() => new Tokenizer({ segmenter: 'jieba', segmentation: 'whitespace' })).toThrow(/segmentation 'auto'/);
    expect(() => new Tokenizer({ segmenter: 'hanlp' as 'jieba' })).toThrow(UsageError);
  });
});
