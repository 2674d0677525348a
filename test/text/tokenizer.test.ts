import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { Tokenizer } from '../../src/text/tokenizer.js';

describe('Tokenizer: defaults on Latin text', () => {
  const t = new Tokenizer();

  it('lowercases, drops punctuation, keeps apostrophes and hyphens inside words', () => {
    expect(t.tokenize("Don't panic: it's STATE-of-the-art!")).toEqual(["don't", 'panic', "it's", 'state-of-the-art']);
  });

  it('drops leading/trailing quotes and hyphens and double hyphens', () => {
    expect(t.tokenize("'quoted' -dash- rock--roll")).toEqual(['quoted', 'dash', 'rock', 'roll']);
  });

  it('rewrites typographic apostrophes and hyphens inside words to ASCII', () => {
    expect(t.tokenize('don\u2019t rock\u2010n\u2011roll')).toEqual(["don't", 'rock-n-roll']);
  });

  it('keeps numbers with decimal and thousands separators whole', () => {
    expect(t.tokenize('Pi is 3.14, not 1,000; 42nd.')).toEqual(['pi', 'is', '3.14', 'not', '1,000', '42nd']);
  });

  it('handles accents, combining marks (NFC) and other alphabets', () => {
    // "e" + U+0301 combining acute composes to "é" under NFC.
    expect(t.tokenize('Cafe\u0301 NAÏVE Ελληνικά Русский')).toEqual(['café', 'naïve', 'ελληνικά', 'русский']);
  });

  it('returns no tokens for empty, blank and punctuation-only text', () => {
    expect(t.tokenize('')).toEqual([]);
    expect(t.tokenize('   \t ')).toEqual([]);
    expect(t.tokenize('?!... --')).toEqual([]);
  });

  it('handles irregular spacing on the fast path and the general path alike', () => {
    expect(t.tokenize('  a  b c ')).toEqual(['a', 'b', 'c']);
    expect(t.tokenize('\ta\u00a0b\u3000c\n')).toEqual(['a', 'b', 'c']);
  });

  it('does not crash on emoji, lone surrogates or control characters, and drops them', () => {
    expect(t.tokenize('hi 😀👍🏽 👨‍👩‍👧 🇫🇷 there')).toEqual(['hi', 'there']);
    expect(t.tokenize('a\ud800b \u0000c')).toEqual(['a', 'b', 'c']);
  });

  it('gives the same tokens on the ASCII fast path and the general path', () => {
    const line = 'the quick brown fox jumps over the lazy dog';
    expect(t.tokenize(line)).toEqual(line.split(' '));
    expect(t.tokenize(`${line}.`)).toEqual(line.split(' '));
    expect(t.tokenize(line.toUpperCase())).toEqual(line.split(' '));
  });

  it('rejects a non-string', () => {
    expect(() => t.tokenize(42 as unknown as string)).toThrow(UsageError);
  });
});

describe('Tokenizer: options', () => {
  it('keeps case when lowercase is false', () => {
    expect(new Tokenizer({ lowercase: false }).tokenize('Hello World')).toEqual(['Hello', 'World']);
  });

  it('lowercases with the locale when given (Turkish dotless i)', () => {
    expect(new Tokenizer({ locale: 'tr' }).tokenize('IRMAK İSTANBUL')).toEqual(['ırmak', 'istanbul']);
    expect(new Tokenizer().tokenize('IRMAK')).toEqual(['irmak']);
  });

  it('NFKC folds full-width letters and ligatures; NFC does not', () => {
    expect(new Tokenizer({ normalize: 'NFKC' }).tokenize('Ｆｕｌｌ ﬁne')).toEqual(['full', 'fine']);
    expect(new Tokenizer().tokenize('Ｆｕｌｌ')).toEqual(['ｆｕｌｌ']);
  });

  it('normalize: false leaves decomposed text alone', () => {
    expect(new Tokenizer({ normalize: false }).tokenize('Cafe\u0301')).toEqual(['cafe\u0301']);
  });

  it("punctuation 'keep' makes each punctuation mark, symbol and emoji a token", () => {
    const t = new Tokenizer({ punctuation: 'keep' });
    expect(t.tokenize('Hi, you! $5 -- ok?')).toEqual(['hi', ',', 'you', '!', '$', '5', '-', '-', 'ok', '?']);
    expect(t.tokenize('yes 😀👍🏽👨‍👩‍👧🇫🇷')).toEqual(['yes', '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷']);
  });

  it("numbers 'drop' and 'replace' (with a custom token), words with digits stay", () => {
    const text = 'In 1949, 3.14 and 1,000 mp3 files';
    expect(new Tokenizer({ numbers: 'drop' }).tokenize(text)).toEqual(['in', 'and', 'mp3', 'files']);
    expect(new Tokenizer({ numbers: 'replace' }).tokenize(text)).toEqual(['in', '<num>', '<num>', 'and', '<num>', 'mp3', 'files']);
    expect(new Tokenizer({ numbers: 'replace', numberToken: 'NUM' }).tokenize('7 days')).toEqual(['NUM', 'days']);
    expect(new Tokenizer({ numbers: 'keep' }).tokenize('7 days')).toEqual(['7', 'days']);
  });

  it('treats numbers in other scripts as numbers', () => {
    expect(new Tokenizer({ numbers: 'drop' }).tokenize('٣٤ كتاب ४२')).toEqual(['كتاب']);
  });

  it('applies min and max token length in code points (not to punctuation)', () => {
    const t = new Tokenizer({ minTokenLength: 2, maxTokenLength: 5, punctuation: 'keep' });
    expect(t.tokenize('a bb ccc dddddd , 𝒳𝒳')).toEqual(['bb', 'ccc', ',', '𝒳𝒳']);
    expect(new Tokenizer({ minTokenLength: 3 }).tokenize('a bb ccc')).toEqual(['ccc']);
  });

  it('exposes the resolved options with defaults', () => {
    const o = new Tokenizer().options;
    expect(o).toMatchObject({
      lowercase: true,
      normalize: 'NFC',
      punctuation: 'drop',
      numbers: 'keep',
      numberToken: '<num>',
      minTokenLength: 1,
      maxTokenLength: Infinity,
      segmentation: 'auto',
      locale: undefined,
    });
    expect(o.stopWords.size).toBe(0);
  });

  it('rejects bad options with a UsageError naming the option', () => {
    expect(() => new Tokenizer({ punctuation: 'remove' as 'drop' })).toThrow(/punctuation/);
    expect(() => new Tokenizer({ numbers: 'zap' as 'drop' })).toThrow(UsageError);
    expect(() => new Tokenizer({ minTokenLength: -1 })).toThrow(/minTokenLength/);
    expect(() => new Tokenizer({ minTokenLength: 5, maxTokenLength: 2 })).toThrow(/greater than maxTokenLength/);
    expect(() => new Tokenizer({ segmentation: 'icu' as 'intl' })).toThrow(/segmentation/);
    expect(() => new Tokenizer({ locale: 'not a locale!' })).toThrow(/locale/);
    expect(() => new Tokenizer({ numberToken: '' })).toThrow(/numberToken/);
    expect(() => new Tokenizer({ lowercas: true } as never)).toThrow(/unknown option 'lowercas'/);
  });
});

describe('Tokenizer: scripts without spaces (Intl.Segmenter)', () => {
  const t = new Tokenizer();

  it('segments Chinese into dictionary words', () => {
    expect(t.tokenize('我喜欢机器学习')).toEqual(['我', '喜欢', '机器', '学习']);
    expect(t.tokenize('今天天气很好，我们去公园吧。')).toEqual(['今天', '天气', '很好', '我们', '去', '公园', '吧']);
  });

  it('handles mixed Chinese and Latin text, and digits inside Chinese', () => {
    expect(t.tokenize('我喜欢 Machine Learning')).toEqual(['我', '喜欢', 'machine', 'learning']);
    expect(t.tokenize('我喜欢machine learning和NLP')).toEqual(['我', '喜欢', 'machine', 'learning', '和', 'nlp']);
    expect(t.tokenize('中华人民共和国成立于1949年')).toEqual(['中华', '人民', '共和国', '成立', '于', '1949', '年']);
  });

  it('segments Japanese, keeping the long-vowel mark inside katakana words', () => {
    expect(t.tokenize('東京に行きたいです。コーヒーを飲む')).toEqual(['東京', 'に', '行き', 'たい', 'です', 'コーヒー', 'を', '飲む']);
  });

  it('segments Thai, Lao and Khmer', () => {
    expect(t.tokenize('ภาษาไทยง่ายนิดเดียว')).toEqual(['ภาษา', 'ไทย', 'ง่าย', 'นิด', 'เดียว']);
    expect(t.tokenize('ຂ້ອຍຮັກເຈົ້າ')).toEqual(['ຂ້ອຍ', 'ຮັກ', 'ເຈົ້າ']);
    expect(t.tokenize('ខ្ញុំស្រលាញ់អ្នក')).toEqual(['ខ្ញុំ', 'ស្រលាញ់', 'អ្នក']);
  });

  it("keeps CJK punctuation as tokens with punctuation 'keep'", () => {
    expect(new Tokenizer({ punctuation: 'keep' }).tokenize('你好，世界。')).toEqual(['你好', '，', '世界', '。']);
  });

  it("'whitespace' segmentation leaves a run of Chinese characters whole", () => {
    expect(new Tokenizer({ segmentation: 'whitespace' }).tokenize('我喜欢机器学习 ok')).toEqual(['我喜欢机器学习', 'ok']);
  });

  it("'intl' segmentation follows ICU rules everywhere (hyphenated words split)", () => {
    const intl = new Tokenizer({ segmentation: 'intl' });
    expect(intl.tokenize("Don't state-of-the-art 3.14 我喜欢")).toEqual(["don't", 'state', 'of', 'the', 'art', '3.14', '我', '喜欢']);
    expect(intl.tokenize('the quick fox')).toEqual(['the', 'quick', 'fox']);
  });

  it('applies numbers and length options to segmented words too', () => {
    expect(new Tokenizer({ numbers: 'replace', minTokenLength: 2 }).tokenize('中华人民共和国成立于1949年')).toEqual([
      '中华',
      '人民',
      '共和国',
      '成立',
      '<num>',
    ]);
  });
});
