// `embedkit train` with the tokenizer's jieba segmenter and POS options: every trainer that shares the
// tokenizer flags (word2vec, fastText, GloVe) builds its vocabulary from jieba's words, or from the
// lemmas of the kept parts of speech.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const CLI = join(ROOT, 'dist/cli/main.js');
const SMALL = ['--dim', '8', '--epochs', '1', '--threads', '1', '--min-count', '1', '--seed', '1', '-q', '--json'];

function train(input: string, output: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'train', '-i', tmp.file(input), '-o', tmp.file(output), ...SMALL, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The words of a word2vec text / fastText .vec file (header line skipped). */
function words(file: string): string[] {
  return readFileSync(tmp.file(file), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, line.indexOf(' ')));
}

beforeAll(() => {
  const zh = ['我是北京大学的研究生', '他也是北京大学的研究生', '研究生在北京大学学习', '南京市长江大桥很长'];
  writeFileSync(tmp.file('zh.txt'), Array.from({ length: 20 }, (_, i) => zh[i % zh.length]).join('\n'));
  const en = ['The children were eating apples.', 'The child eats an apple.', 'Old trees grow in big gardens.'];
  writeFileSync(tmp.file('en.txt'), Array.from({ length: 20 }, (_, i) => en[i % en.length]).join('\n'));
});

describe('embedkit train --segmenter jieba', () => {
  for (const model of ['skipgram', 'fasttext-cbow', 'glove']) {
    it(`${model}: the vocabulary holds jieba's words; the default (Intl.Segmenter) splits them`, () => {
      const extra = model === 'fasttext-cbow' ? ['--bucket', '1000'] : [];
      const jieba = train('zh.txt', `${model}-jieba.vec`, '--model', model, '--segmenter', 'jieba', ...extra);
      expect(jieba.err).toBe('');
      expect(jieba.code).toBe(0);
      const jiebaWords = words(`${model}-jieba.vec`);
      for (const w of ['北京大学', '研究生', '长江大桥', '南京市']) expect(jiebaWords).toContain(w);
      expect(jiebaWords).not.toContain('大学');

      const intl = train('zh.txt', `${model}-intl.vec`, '--model', model, ...extra);
      expect(intl.code, intl.err).toBe(0);
      const intlWords = words(`${model}-intl.vec`);
      expect(intlWords).toContain('大学');
      expect(intlWords).not.toContain('北京大学');
    });
  }
});

describe('embedkit train --keep-pos --lemma', () => {
  it('trains on the lemmas of the nouns and verbs only', () => {
    const r = train('en.txt', 'lemmas.vec', '--keep-pos', 'NOUN,VERB', '--lemma');
    expect(r.code, r.err).toBe(0);
    expect(words('lemmas.vec').sort()).toEqual(['apple', 'child', 'eat', 'garden', 'grow', 'tree']);
  });

  it('refuses an unknown tag (exit 2)', () => {
    const r = train('en.txt', 'x.vec', '--keep-pos', 'NOUNS');
    expect(r.code).toBe(2);
    expect(r.err).toContain("'NOUNS' is not a Universal POS tag");
  });
});
