/**
 * fastText `.bin`/`.ftz` reading against the real Debian `fasttext` 0.9.2 CLI: models trained by
 * the CLI inside the test, and the shipped quantized `lid.176.ftz`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { denseInputOffset, readModelBytesSync } from '../../../src/io/fasttext/aligned-read.js';
import { readFastTextModelSync } from '../../../src/io/fasttext/read.js';
import { FastTextModel } from '../../../src/vectors/fasttext/fasttext-model.js';
import { fasttext, LID_FTZ, parseWordVectors } from '../../helpers/fasttext-cli.js';
import { syntheticSentences } from '../../helpers/synthetic-corpus.js';
import { makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
const QUERIES = ['cat', 'dogs', 'unseenword', 'käse', '猫', 'france', 'x'];

/**
 * The CLI prints 5 significant digits: equal to 1e-5, or to one unit of the 5th significant digit
 * of the printed value when that is coarser (values ≥ 0.1).
 */
function expectClose(got: Float32Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const unit = want[i] === 0 ? 0 : 10 ** (Math.floor(Math.log10(Math.abs(want[i]))) - 4);
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(Math.max(1e-5, unit));
  }
}

function checkAgainstCli(file: string, words: string[]): FastTextModel {
  const model = FastTextModel.loadSync(file);
  const rows = parseWordVectors(fasttext(['print-word-vectors', file], words.join('\n') + '\n'));
  expect(rows.map((r) => r.word)).toEqual(words);
  for (const r of rows) expectClose(model.wordVector(r.word), r.vector);
  return model;
}

describe('fastText .bin reading', () => {
  beforeAll(() => {
    const text = syntheticSentences(400).map((s) => s.join(' '));
    text.push('käse 猫 猫咪 chat', 'dogs and cats');
    writeFileSync(tmp.file('corpus.txt'), text.join('\n') + '\n');
    const common = [
      '-input',
      tmp.file('corpus.txt'),
      '-dim',
      '12',
      '-epoch',
      '1',
      '-minCount',
      '1',
      '-bucket',
      '2000',
      '-thread',
      '1',
      '-verbose',
      '0',
    ];
    fasttext(['skipgram', ...common, '-output', tmp.file('sg')]);
    fasttext(['cbow', ...common, '-minn', '2', '-maxn', '4', '-output', tmp.file('cbow')]);
  });
  afterAll(() => tmp.cleanup());

  it('skip-gram: in- and out-of-vocabulary vectors equal print-word-vectors', () => {
    const m = checkAgainstCli(tmp.file('sg.bin'), QUERIES);
    expect(m.data.args).toMatchObject({ dim: 12, model: 'skipgram', loss: 'ns', bucket: 2000, minn: 3, maxn: 6 });
    expect(m.words).toContain('cat');
    expect(m.data.input.rows).toBe(m.data.dictionary.nwords + 2000);
  });

  it('CBOW with minn 2, maxn 4', () => {
    const m = checkAgainstCli(tmp.file('cbow.bin'), QUERIES);
    expect(m.data.args).toMatchObject({ model: 'cbow', minn: 2, maxn: 4 });
  });

  it('.vec vectors equal the CLI .vec file', () => {
    const m = FastTextModel.loadSync(tmp.file('sg.bin'));
    const lines = readFileSync(tmp.file('sg.vec'), 'utf8').trim().split('\n').slice(1);
    for (const line of lines.slice(0, 20)) {
      const [w, ...v] = line.trim().split(' ');
      expectClose(m.wv.get(w), v.map(Number));
    }
  });

  it('a .bin written back is byte-identical and read by the CLI', () => {
    const m = FastTextModel.loadSync(tmp.file('sg.bin'));
    m.saveSync(tmp.file('copy.bin'));
    expect(readFileSync(tmp.file('copy.bin')).equals(readFileSync(tmp.file('sg.bin')))).toBe(true);
    checkAgainstCli(tmp.file('copy.bin'), QUERIES);
  });

  it('quantized .ftz of a supervised model (qnorm, qout, pruned n-grams) equals the CLI', () => {
    // Quantizing needs ≥ 256 rows per matrix: 300 labels for -qout, a cutoff above 256 n-grams.
    const lines = Array.from({ length: 1200 }, (_, i) => `__label__L${i % 300} w${i % 400} v${(i * 7) % 350} u${i % 29} the cat`);
    writeFileSync(tmp.file('sup.txt'), lines.join('\n') + '\n');
    const base = ['-input', tmp.file('sup.txt'), '-output', tmp.file('sup'), '-dim', '16', '-epoch', '2', '-thread', '1', '-verbose', '0'];
    fasttext(['supervised', ...base, '-wordNgrams', '2', '-bucket', '5000', '-minn', '2', '-maxn', '3']);
    fasttext([
      'quantize',
      '-input',
      tmp.file('sup.txt'),
      '-output',
      tmp.file('sup'),
      '-qnorm',
      '-qout',
      '-cutoff',
      '400',
      '-dsub',
      '2',
      '-thread',
      '1',
      '-verbose',
      '0',
    ]);
    const m = checkAgainstCli(tmp.file('sup.ftz'), [...QUERIES, 'w17', 'v3', 'u5']);
    expect(m.data.input.kind).toBe('quant');
    expect(m.data.output.kind).toBe('quant');
    expect(m.data.dictionary.pruneIndex?.size).toBeGreaterThan(0);
    m.saveSync(tmp.file('copy.ftz'));
    expect(readFileSync(tmp.file('copy.ftz')).equals(readFileSync(tmp.file('sup.ftz')))).toBe(true);
  });

  it('lid.176.ftz: vectors equal the CLI', () => {
    const m = checkAgainstCli(LID_FTZ, ['hello', 'bonjour', '你好', 'zzzqqq']);
    expect(m.data.args.model).toBe('supervised');
    expect(m.labels).toContain('__label__en');
  });

  it('bad files: clear errors naming the file', () => {
    const good = readFileSync(tmp.file('sg.bin'));
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.bin', new Uint8Array(0), /shorter than the header/],
      ['magic.bin', Buffer.concat([Buffer.from([1, 2, 3, 4]), good.subarray(4)]), /wrong magic/],
      ['version.bin', Buffer.concat([good.subarray(0, 4), Buffer.from([11, 0, 0, 0]), good.subarray(8)]), /version 11/],
      ['cut-header.bin', good.subarray(0, 30), /truncated/],
      ['cut-dict.bin', good.subarray(0, 200), /truncated/],
      ['cut-matrix.bin', good.subarray(0, good.length - 7), /truncated/],
      ['trailing.bin', Buffer.concat([good, Buffer.from([0])]), /unexpected bytes/],
    ];
    for (const [name, bytes, problem] of cases) {
      writeFileSync(tmp.file(name), bytes);
      let err: unknown;
      try {
        readFastTextModelSync(tmp.file(name));
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toContain(tmp.file(name));
      expect((err as Error).message).toMatch(problem);
    }
  });

  it('the dense input matrix is read in place: a view of the file buffer, 4-byte aligned, not a copy', () => {
    for (const name of ['sg.bin', 'cbow.bin']) {
      const size = readFileSync(tmp.file(name)).length;
      const bytes = readModelBytesSync(tmp.file(name));
      const at = denseInputOffset(bytes);
      expect((bytes.byteOffset + at) % 4).toBe(0);
      const m = readFastTextModelSync(tmp.file(name));
      if (m.input.kind !== 'dense') throw new Error('expected a dense input matrix');
      expect(m.input.data.buffer.byteLength).toBe(size + 3);
      expect(m.input.data.byteOffset - bytes.byteOffset).toBe(at);
    }
  });

  it('a huge claimed matrix size is rejected before allocating', () => {
    const good = Buffer.from(readFileSync(tmp.file('sg.bin')));
    const m = readFastTextModelSync(tmp.file('sg.bin'));
    if (m.input.kind !== 'dense' || m.output.kind !== 'dense') throw new Error('expected dense matrices');
    // The input matrix's row count follows the dictionary and the quant flag.
    const rowsAt = good.length - (m.input.data.length + m.output.data.length) * 4 - 16 - 1 - 16;
    expect(good.readBigInt64LE(rowsAt)).toBe(BigInt(m.input.rows));
    good.writeBigInt64LE(1n << 40n, rowsAt);
    writeFileSync(tmp.file('huge.bin'), good);
    expect(() => readFastTextModelSync(tmp.file('huge.bin'))).toThrow(/truncated: input matrix/);
  });
});
