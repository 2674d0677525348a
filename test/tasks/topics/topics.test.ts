import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFvecs } from '../../../src/io/index.js';
import { Random } from '../../../src/learn/random.js';
import { classTfidfKeywords } from '../../../src/tasks/topics/c-tfidf.js';
import { findTopics } from '../../../src/tasks/topics/topics.js';
import { ROOT } from '../../helpers/paths.js';
import { topicTexts } from '../classify/topics-data.js';

/** Embeddings that know the topic: a direction per topic plus noise. */
function embed(labels: string[], seed: number) {
  const rng = new Random(seed);
  const names = [...new Set(labels)].sort();
  const dim = 8;
  const data = new Float32Array(labels.length * dim);
  labels.forEach((l, i) => {
    for (let d = 0; d < dim; d++) data[i * dim + d] = (d === names.indexOf(l) ? 3 : 0) + 0.3 * rng.gaussian();
  });
  return { rows: labels.length, dim, data };
}

describe('topics', () => {
  it('c-TF-IDF weights match the formula by hand', () => {
    // class 0: "apple apple pear" (3 words), class 1: "pear plum" (2); A = 2.5
    // apple: tf 2/3 · ln(1 + 2.5/2); pear in 0: 1/3 · ln(1 + 2.5/2); plum: 1/2 · ln(1 + 2.5/1)
    const kw = classTfidfKeywords(['apple apple', 'pear', 'pear plum'], [0, 0, 1], 2);
    expect(kw[0][0]).toEqual({ word: 'apple', weight: expect.closeTo((2 / 3) * Math.log(1 + 2.5 / 2), 12) as number });
    expect(kw[0][1].weight).toBeCloseTo((1 / 3) * Math.log(1 + 2.5 / 2), 12);
    expect(kw[1][0]).toEqual({ word: 'plum', weight: expect.closeTo(0.5 * Math.log(1 + 2.5), 12) as number });
  });

  it('finds the topics of the documents and names them by their words', async () => {
    const docs = topicTexts(300, 3);
    const r = await findTopics(docs.inputs, embed(docs.labels, 1), { k: 3, seed: 1 });
    expect(r.topics).toHaveLength(3);
    expect(r.topics.map((t) => t.size)).toEqual([100, 100, 100]);
    const named = r.topics.map((t) => t.keywords.slice(0, 3).map((k) => k.word));
    const flat = named.flat();
    for (const w of ['the', 'a', 'and', 'with']) expect(flat).not.toContain(w); // stop words left out
    // each topic's top keywords come from one vocabulary
    expect(
      named.some((ws) =>
        ws.some((w) => ['album', 'guitar', 'song', 'concert', 'band', 'melody', 'singer', 'chorus', 'drums', 'tour'].includes(w)),
      ),
    ).toBe(true);
    const outl = await findTopics(docs.inputs, embed(docs.labels, 1), { k: 3, seed: 1, minSimilarity: 0.999 });
    expect(outl.outliers).toBeGreaterThan(0);
    expect(Array.from(outl.labels).filter((l) => l === -1)).toHaveLength(outl.outliers);
  });

  it('embedkit topics runs from precomputed embeddings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topics-cli-'));
    try {
      const docs = topicTexts(120, 5);
      writeFileSync(join(dir, 'docs.txt'), docs.inputs.join('\n') + '\n');
      await writeFvecs(join(dir, 'e.fvecs'), embed(docs.labels, 2));
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'dist/cli/main.js'), 'topics', '-i', 'docs.txt', '--embeddings', 'e.fvecs', '--k', '3', '-o', 'labels.txt', '--json'],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { topics: { size: number; keywords: { word: string }[] }[]; documents: number };
      expect(out.documents).toBe(120);
      expect(out.topics.map((t) => t.size)).toEqual([40, 40, 40]);
      expect(readFileSync(join(dir, 'labels.txt'), 'utf8').trim().split('\n')).toHaveLength(120);
      await writeFvecs(join(dir, 'short.fvecs'), embed(docs.labels.slice(0, 10), 2));
      const bad = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'topics', '-i', 'docs.txt', '--embeddings', 'short.fvecs'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/short\.fvecs: holds 10 rows for 120 documents/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
