/** evaluateAnalogies on handmade data (hand-checked answers) and against a per-question reference. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../src/errors.js';
import { evaluateAnalogies } from '../../src/evaluate/analogies.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { gaussian, prng } from './fixtures.js';

/**
 * king - man + woman is closest to 'KING' (a case variant of king, placed after it), then queen.
 * gensim skips 'KING' when case-insensitive (it folds to an input word) and answers queen.
 */
function family(): KeyedVectors {
  const table: [string, number[]][] = [
    ['man', [1, 0, 0.1]],
    ['woman', [0, 1, 0.1]],
    ['king', [1, 0, 1]],
    ['queen', [0, 1, 1]],
    ['boy', [1, 0, -0.5]],
    ['girl', [0, 1, -0.5]],
    ['KING', [-0.3, 1, 0.75]],
    ['good', [0.2, 0.2, 3]],
    ['better', [0.3, 0.3, 3]],
    ['bad', [3, -3, 0]],
    ['worse', [3.1, -2.8, 0]],
    ['rare', [-0.1, 1, 0.9]],
  ];
  return new KeyedVectors({ words: table.map((t) => t[0]), vectors: Float32Array.from(table.flatMap((t) => t[1])), dim: 3 });
}

const TEXT = [
  ': family',
  'man woman king queen',
  'MAN WOMAN KING QUEEN',
  'man woman boy girl',
  'man woman boy unknownword',
  'man woman king rare',
  '',
  ': gram3-comparative',
  'good better bad worse',
  'bad worse good better',
  '',
].join('\n');

describe('evaluateAnalogies on a handmade model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-analogies-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts per section like gensim, skipping case variants of the inputs', async () => {
    const r = await evaluateAnalogies(family(), TEXT, { restrictVocab: 11 });
    expect(r.sections).toEqual([
      { section: 'family', correct: 3, total: 3, accuracy: 1 },
      { section: 'gram3-comparative', correct: 2, total: 2, accuracy: 1 },
      { section: 'Total accuracy', correct: 5, total: 5, accuracy: 1 },
    ]);
    expect(r).toMatchObject({ correct: 5, total: 5, accuracy: 1, questions: 7, oov: 2, coverage: 5 / 7 });
    expect(r.semantic).toEqual({ correct: 3, total: 3, accuracy: 1 });
    expect(r.syntactic).toEqual({ correct: 2, total: 2, accuracy: 1 });
  });

  it('case-sensitive: upper-case questions are unknown and KING is a wrong answer', async () => {
    const r = await evaluateAnalogies(family(), TEXT, { restrictVocab: 11, caseInsensitive: false });
    expect(r.sections[0]).toEqual({ section: 'family', correct: 1, total: 2, accuracy: 0.5 });
    expect(r.oov).toBe(3);
  });

  it('dummy4unknown counts unknown questions as wrong; restrictVocab cuts later words out', async () => {
    const r = await evaluateAnalogies(family(), TEXT, { restrictVocab: 12, dummy4unknown: true });
    // 'rare' (row 11) is now known and beats queen as king - man + woman (cos 0.981 vs 0.960):
    // the two queen questions turn wrong, the rare one right; the unknown one counts as wrong.
    expect(r.sections[0]).toEqual({ section: 'family', correct: 2, total: 5, accuracy: 0.4 });
    expect(r.oov).toBe(1);
    const small = await evaluateAnalogies(family(), TEXT, { restrictVocab: 6 });
    expect(small.sections.map((s) => s.total)).toEqual([3, 0, 3]);
    expect(small.syntactic).toEqual({ correct: 0, total: 0, accuracy: 0 });
  });

  it('3cosmul answers too', async () => {
    const r = await evaluateAnalogies(family(), TEXT, { restrictVocab: 11, method: '3cosmul' });
    expect(r.total).toBe(5);
    expect(r.correct).toBeGreaterThanOrEqual(3);
  });

  it('reads paths, gzip files and { text, name } sources', async () => {
    const plain = join(dir, 'q.txt');
    const gz = join(dir, 'q.txt.gz');
    writeFileSync(plain, TEXT);
    writeFileSync(gz, gzipSync(TEXT));
    const expected = await evaluateAnalogies(family(), TEXT, { restrictVocab: 11 });
    expect(await evaluateAnalogies(family(), plain, { restrictVocab: 11 })).toEqual(expected);
    expect(await evaluateAnalogies(family(), gz, { restrictVocab: 11 })).toEqual(expected);
    expect(await evaluateAnalogies(family(), { text: TEXT, name: 'mine' }, { restrictVocab: 11 })).toEqual(expected);
    await expect(evaluateAnalogies(family(), join(dir, 'missing.txt'))).rejects.toThrow(FileFormatError);
    writeFileSync(join(dir, 'bad.txt'), Uint8Array.of(0x3a, 0x20, 0x61, 0xff, 0x0a));
    await expect(evaluateAnalogies(family(), join(dir, 'bad.txt'))).rejects.toThrow(/bad\.txt: not valid UTF-8/);
  });

  it('reports malformed files with the file name and line', async () => {
    const kv = family();
    const bad = ': s\nman woman king queen\nman woman king\n';
    await expect(evaluateAnalogies(kv, { text: bad, name: 'q.txt' })).rejects.toThrow(
      new FileFormatError('q.txt', 'line 3: expected 4 words, found 3'),
    );
    await expect(evaluateAnalogies(kv, { text: 'man woman king queen\n', name: 'q.txt' })).rejects.toThrow(
      /q\.txt: line 1: question before/,
    );
    await expect(evaluateAnalogies(kv, { text: ': empty\n\n', name: 'q.txt' })).rejects.toThrow(/no analogy questions/);
    const lenient = await evaluateAnalogies(kv, bad, { strict: false, restrictVocab: 11 });
    expect(lenient).toMatchObject({ questions: 1, correct: 1 });
    await expect(evaluateAnalogies(kv, TEXT, { restrictVocab: 0 })).rejects.toThrow(UsageError);
  });

  it('reports progress up to 1 and honours an AbortSignal', async () => {
    const seen: number[] = [];
    await evaluateAnalogies(family(), TEXT, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((f, i) => f > 0 && (i === 0 || f >= seen[i - 1]))).toBe(true);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(evaluateAnalogies(family(), TEXT, { signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('evaluateAnalogies agrees with per-question mostSimilar on a random model', () => {
  // 2,600 distinct question words force several batches of the blocked search.
  const rand = prng(42);
  const normal = gaussian(rand);
  const size = 3000;
  const dim = 24;
  const words = Array.from({ length: size }, (_, i) => `w${i}`);
  const kv = new KeyedVectors({ words, vectors: Float32Array.from({ length: size * dim }, normal), dim });
  const restrictVocab = 2800;
  const triples = Array.from({ length: 1000 }, () => [0, 1, 2].map(() => Math.floor(rand() * 2600)));

  for (const method of ['3cosadd', '3cosmul'] as const) {
    it(method, async () => {
      // One section per question; the expected word is the reference answer or its runner-up, so
      // any difference in ranking shows up as a wrong count.
      const lines: string[] = [];
      const expected: number[] = [];
      triples.forEach(([a, b, c], q) => {
        const query = { positive: [words[b], words[c]], negative: [words[a]], topn: 5, restrictVocab };
        const answers = method === '3cosadd' ? kv.mostSimilar(query) : kv.mostSimilarCosmul(query);
        const right = q % 2 === 0;
        lines.push(`: q${q}`, `${words[a]} ${words[b]} ${words[c]} ${answers[right ? 0 : 1].word}`);
        expected.push(right ? 1 : 0);
      });
      const r = await evaluateAnalogies(kv, lines.join('\n') + '\n', { restrictVocab, method });
      expect(r.sections.slice(0, -1).map((s) => s.correct)).toEqual(expected);
      expect(r.total).toBe(1000);
    });
  }
});
