import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doc2VecModel } from '../../src/vectors/doc2vec/model.js';
import { ROOT } from '../helpers/paths.js';
import { topicDocuments } from '../vectors/doc2vec/topic-documents.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-cli-doc2vec-'));
  const docs = topicDocuments(10);
  writeFileSync(join(dir, 'docs.tsv'), docs.map((d) => `${d.tags[0]} ${d.topic}\t${d.words.join(' ')}`).join('\n'));
  writeFileSync(join(dir, 'plain.txt'), docs.map((d) => d.words.join(' ')).join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit train --model doc2vec-*', () => {
  it('trains PV-DBOW with word training on tagged documents and writes a model', async () => {
    const common = ['-i', 'docs.tsv', '--doc-format', 'tagged', '--dim', '16', '--min-count', '1', '--threads', '1', '--json'];
    const r = run('train', '--model', 'doc2vec-dbow', '--dbow-words', '-o', 'dbow.d2v', '--epochs', '5', ...common);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as Record<string, unknown>;
    expect(result).toMatchObject({ model: 'doc2vec-dbow', documents: 40, tags: 44, dim: 16, epochs: 5, untrainedDocuments: 0 });
    const model = await Doc2VecModel.load(join(dir, 'dbow.d2v'));
    expect(model.options).toMatchObject({ model: 'dbow', dbowWords: true, dim: 16 });
    expect(model.dv.has('sport')).toBe(true);
  });

  it('trains PV-DM on plain lines (tags are document numbers) with the default epochs', async () => {
    const r = run(
      'train',
      '--model',
      'doc2vec-dm',
      '-i',
      'plain.txt',
      '-o',
      'dm.d2v',
      '--dim',
      '8',
      '--min-count',
      '1',
      '--no-cbow-mean',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: 'doc2vec-dm', documents: 40, tags: 40, epochs: 10 });
    const model = await Doc2VecModel.load(join(dir, 'dm.d2v'));
    expect(model.options).toMatchObject({ model: 'dm', dmMean: false });
    expect(model.dv.words.slice(0, 3)).toEqual(['0', '1', '2']);
  });

  it('refuses flags that do not apply, with exit code 2 and one line', () => {
    const base = ['train', '-i', 'plain.txt', '-o', 'x.d2v'];
    const cases: [string[], RegExp][] = [
      [['--model', 'doc2vec-dbow', '--no-shared-negatives'], /--no-shared-negatives is a word2vec option/],
      [['--model', 'doc2vec-dbow', '--loss'], /--loss is a word2vec option/],
      [['--model', 'doc2vec-dbow', '--max-sentence-length', '5'], /--max-sentence-length is a word2vec option/],
      [['--model', 'doc2vec-dm', '--dbow-words'], /--dbow-words applies to --model doc2vec-dbow only/],
      [['--model', 'doc2vec-dbow', '--no-cbow-mean'], /applies to --model doc2vec-dm only/],
      [['--model', 'doc2vec-dbow', '--minn', '2'], /--minn is a fastText option/],
      [['--model', 'doc2vec-dbow', '--format', 'w2v-text'], /--format does not apply to doc2vec/],
      [['--model', 'skipgram', '--dbow-words'], /--dbow-words is a Doc2Vec option/],
    ];
    for (const [args, message] of cases) {
      const r = run(...base, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(message);
    }
  });

  it('reports a bad document file with its name and line (exit 1)', () => {
    writeFileSync(join(dir, 'bad.tsv'), 'a\tfine words\nno tab\n');
    const r = run('train', '--model', 'doc2vec-dbow', '-i', 'bad.tsv', '--doc-format', 'tagged', '-o', 'bad.d2v', '--min-count', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.tsv: line 2: no tab/);
  });
});
