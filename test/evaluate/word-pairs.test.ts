/** evaluateWordPairs and its parser on handmade data. */
import { describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../src/errors.js';
import { parseWordPairs } from '../../src/evaluate/word-pairs-file.js';
import { evaluateWordPairs } from '../../src/evaluate/word-pairs.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';

/** Cosines: east·east 1, east·northeast √½, east·north 0, east·west -1. */
function compass(): KeyedVectors {
  const table: [string, number, number][] = [
    ['east', 1, 0],
    ['north', 0, 1],
    ['west', -1, 0],
    ['northeast', 1, 1],
    ['East', 0, -1],
  ];
  return new KeyedVectors({ words: table.map((t) => t[0]), vectors: Float32Array.from(table.flatMap((t) => [t[1], t[2]])), dim: 2 });
}

const PAIRS = [
  '# comment',
  '# w1\tw2\tscore',
  'east\teast\t10',
  'east\tnortheast\t7',
  'EAST\tnorth\t3.0',
  'east\twest\t1',
  'east\tsouth\t5',
  '',
].join('\n');

describe('evaluateWordPairs', () => {
  it('correlates cosines with the scores (scipy values), oov ratio in percent', async () => {
    const r = await evaluateWordPairs(compass(), PAIRS);
    expect(r.spearman).toBeCloseTo(1, 12);
    expect(r.pearson).toBeCloseTo(0.9514196565859626, 7); // scipy.stats.pearsonr([10,7,3,1],[1,√½,0,-1])
    expect(r).toMatchObject({ pairs: 4, oov: 1, oovRatio: 20 });
  });

  it('dummy4unknown scores unknown pairs 0; case-sensitive lookup; restrictVocab', async () => {
    const dummy = await evaluateWordPairs(compass(), PAIRS, { dummy4unknown: true });
    expect(dummy).toMatchObject({ pairs: 5, oov: 1, oovRatio: 20 });
    expect(dummy.spearman).toBeCloseTo(9.5 / Math.sqrt(95), 12); // ranks [5,4,2,1,3] vs [5,4,2.5,1,2.5] (tied zeros)
    const exact = await evaluateWordPairs(compass(), PAIRS, { caseInsensitive: false });
    expect(exact).toMatchObject({ pairs: 3, oov: 2, oovRatio: 40 });
    const restricted = await evaluateWordPairs(compass(), PAIRS, { restrictVocab: 3 });
    expect(restricted).toMatchObject({ pairs: 3, oov: 2 });
  });

  it('uses the first case variant when case-insensitive', async () => {
    // 'East' (0,-1) comes after 'east' (1,0): EAST means east, so east/East has cosine 1.
    const r = await evaluateWordPairs(compass(), 'East\tnorth\t1\neast\tnortheast\t2\nEast\teast\t3\n');
    expect(r.spearman).toBeCloseTo(1, 12);
    const exact = await evaluateWordPairs(compass(), 'East\tnorth\t1\neast\tnortheast\t2\nEast\teast\t3\n', { caseInsensitive: false });
    expect(exact.spearman).toBeCloseTo(0.5, 12); // cosines -1, √½, 0 against 1, 2, 3
  });

  it('gives NaN correlations when too few pairs are known; errors for files without pairs', async () => {
    const r = await evaluateWordPairs(compass(), 'east\tnorth\t1\nup\tdown\t2\n');
    expect(r.pearson).toBeNaN();
    expect(r.pairs).toBe(1);
    await expect(evaluateWordPairs(compass(), { text: '# only comments\n', name: 'ws.tsv' })).rejects.toThrow(
      new FileFormatError('ws.tsv', 'no word pairs found'),
    );
    await expect(evaluateWordPairs(compass(), '/nonexistent/ws.tsv')).rejects.toThrow(/ws\.tsv: cannot read file \(ENOENT\)/);
  });
});

describe('parseWordPairs', () => {
  it('reads Python float syntax, CRLF and other delimiters; keeps words as written', () => {
    const { pairs } = parseWordPairs('a\tb\t 7.5 \r\nc\td\t1_0\r\ne f\tg\t-inf\r\n', 'f');
    expect(pairs).toEqual([
      { a: 'a', b: 'b', score: 7.5, line: 1 },
      { a: 'c', b: 'd', score: 10, line: 2 },
      { a: 'e f', b: 'g', score: -Infinity, line: 3 },
    ]);
    expect(parseWordPairs('a,b,.5e1\n', 'f', ',').pairs[0].score).toBe(5);
  });

  it('reports malformed lines with file and line, or skips them when not strict', () => {
    expect(() => parseWordPairs('a\tb\t1\n\na\tb\n', 'ws.tsv')).toThrow(
      new FileFormatError('ws.tsv', 'line 3: expected 3 fields separated by "\\t", found 2'),
    );
    expect(() => parseWordPairs('a\tb\t0x10\n', 'ws.tsv')).toThrow(/ws\.tsv: line 1: '0x10' is not a number/);
    expect(parseWordPairs('a\tb\n#x\nc\td\t2\na\tb\tc\td\n', 'f', '\t', false)).toEqual({
      pairs: [{ a: 'c', b: 'd', score: 2, line: 3 }],
      skipped: 2,
    });
    expect(() => parseWordPairs('a\tb\t1\n', 'f', '')).toThrow(UsageError);
  });
});
