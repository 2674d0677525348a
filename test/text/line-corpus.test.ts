import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { LineCorpus } from '../../src/text/line-corpus.js';
import { Tokenizer } from '../../src/text/tokenizer.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('LineCorpus', () => {
  it('yields the lines of an array, splitting documents at newlines, on every pass', async () => {
    const corpus = new LineCorpus(['first line', 'doc line 1\r\ndoc line 2\n', '', 'last']);
    const expected = ['first line', 'doc line 1', 'doc line 2', '', 'last'];
    expect(await collect(corpus.lines())).toEqual(expected);
    expect(await collect(corpus.lines())).toEqual(expected);
  });

  it('reports byte progress for arrays', async () => {
    const corpus = new LineCorpus(['ab', 'é']);
    expect(corpus.totalBytes).toBe(4);
    expect(corpus.progress.fraction).toBe(0);
    await collect(corpus.lines());
    expect(corpus.progress).toEqual({ bytesRead: 4, totalBytes: 4, fraction: 1 });
  });

  it('batches large arrays without losing or reordering lines', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    const batches = await collect(new LineCorpus(lines).lineBatches());
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(lines);
  });

  it('accepts async iterables and functions returning fresh iterables', async () => {
    async function* gen(): AsyncGenerator<string> {
      yield 'a b';
      yield 'c';
    }
    const corpus = new LineCorpus(() => gen());
    expect(await collect(corpus.lines())).toEqual(['a b', 'c']);
    expect(await collect(corpus.lines())).toEqual(['a b', 'c']);
    expect(corpus.totalBytes).toBeUndefined();
    expect(corpus.progress.fraction).toBeUndefined();
  });

  it('reads a one-shot iterator once and refuses a second pass instead of yielding nothing', async () => {
    function* gen(): Generator<string> {
      yield 'only once';
    }
    const corpus = new LineCorpus(gen());
    expect(await collect(corpus.lines())).toEqual(['only once']);
    await expect(collect(corpus.lines())).rejects.toThrow(/one-shot iterator/);
  });

  it('rejects non-string elements and non-iterable sources', async () => {
    await expect(collect(new LineCorpus(['ok', 5 as unknown as string]).lines())).rejects.toThrow(/element 1 is number/);
    expect(() => new LineCorpus('just a string' as unknown as string[])).toThrow(UsageError);
    expect(() => new LineCorpus(42 as unknown as string[])).toThrow(UsageError);
    await expect(collect(new LineCorpus((() => 3) as unknown as () => string[]).lines())).rejects.toThrow(/must return an iterable/);
  });

  it('yields sentences split at maxSentenceLength and skips token-less lines', async () => {
    const corpus = new LineCorpus(['a b c d e', '...', '', '我喜欢机器学习']);
    const t = new Tokenizer();
    expect(await collect(corpus.sentences(t, { maxSentenceLength: 2 }))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
      ['我', '喜欢'],
      ['机器', '学习'],
    ]);
    expect(await collect(corpus.sentences(t))).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['我', '喜欢', '机器', '学习'],
    ]);
    await expect(corpus.sentences(t, { maxSentenceLength: 0 }).next()).rejects.toThrow(/maxSentenceLength/);
  });

  it('accepts any object with a tokenize method', async () => {
    const upper = { tokenize: (s: string) => s.split(',').filter(Boolean) };
    expect(await collect(new LineCorpus(['x,y', ',']).sentences(upper))).toEqual([['x', 'y']]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const corpus = new LineCorpus(['a', 'b', 'c']);
    const seen: string[] = [];
    const err = await (async () => {
      for await (const line of corpus.lines({ signal: controller.signal })) {
        seen.push(line);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['a']);
    expect(err).toMatchObject({ name: 'AbortError' });
  });
});
