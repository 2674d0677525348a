import { resolve } from 'node:path';
import { SHARED } from '../helpers/paths.js';
import { mulberry32 } from '../../src/math/random.js';
/**
 * Test fixtures shared by the gensim cross-checks: a deterministic random model over the words of
 * the evaluation files (with planted analogy structure), a tiny word2vec text writer, and a runner
 * for Debian's Python with gensim.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';

/** The evaluation files shipped with the workspace. */
export const QUESTIONS = resolve(SHARED, 'eval/questions-words.txt');
/** WordSim-353 in gensim's test-data format. */
export const WORDSIM = resolve(SHARED, 'eval/wordsim353.tsv');
/** Debian's Python, which has gensim 4.2. */
export const PYTHON = '/usr/bin/python3';

/** A small seeded generator of floats in [0, 1) (mulberry32). */
export const prng = mulberry32;

/** Standard normal deviates from a uniform generator (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Sections of questions-words.txt as word quadruples (words as written). */
export function questionSections(): { name: string; questions: string[][] }[] {
  const sections: { name: string; questions: string[][] }[] = [];
  for (const line of readFileSync(QUESTIONS, 'utf8').split('\n')) {
    if (line.startsWith(': ')) sections.push({ name: line.slice(2).trim(), questions: [] });
    else if (line.trim()) sections[sections.length - 1].questions.push(line.trim().split(/\s+/));
  }
  return sections;
}

/** Words of wordsim353.tsv, as written. */
export function wordsimWords(): string[] {
  const words: string[] = [];
  for (const line of readFileSync(WORDSIM, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [a, b] = line.split('\t');
    words.push(a, b);
  }
  return words;
}

/**
 * A deterministic `size × dim` model over the question and WordSim words plus fillers, in shuffled
 * order (so a vocabulary restriction cuts some question words out), with a few lower-case variants
 * of capitalised words placed after them (to exercise case folding), one all-zero filler, and
 * analogy structure planted per section (b ≈ a + section offset) so accuracy is well above zero.
 */
export function buildModel(size: number, dim: number, seed: number): KeyedVectors {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const sections = questionSections();
  const seen = new Set<string>();
  const base: string[] = [];
  const add = (w: string) => {
    if (!seen.has(w) && !seen.has(w.toUpperCase())) {
      seen.add(w);
      seen.add(w.toUpperCase());
      base.push(w);
    }
  };
  for (const s of sections) for (const q of s.questions) q.forEach(add);
  wordsimWords().forEach(add);
  for (let i = 0; base.length < size - 40; i++) add(`filler${i}`);
  for (let i = base.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [base[i], base[j]] = [base[j], base[i]];
  }
  // Lower-case variants of some capitalised words, each placed after its original.
  const words = [...base];
  const capitalised = base.filter((w) => w !== w.toLowerCase()).slice(0, 40);
  for (const w of capitalised) {
    if (words.length >= size) break;
    const at = words.indexOf(w) + 1 + Math.floor(rand() * 50);
    words.splice(Math.min(at, words.length), 0, w.toLowerCase());
  }
  while (words.length < size) words.push(`extra${words.length}`);
  words.length = size;

  const index = new Map(words.map((w, i) => [w, i]));
  const vectors = new Float32Array(size * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = normal();
  const planted = new Set<string>();
  for (const s of sections) {
    const offset = Array.from({ length: dim }, () => 1.2 * normal());
    for (const q of s.questions) {
      for (const [x, y] of [
        [q[0], q[1]],
        [q[2], q[3]],
      ]) {
        const ix = index.get(x);
        const iy = index.get(y);
        if (ix === undefined || iy === undefined || planted.has(y)) continue;
        planted.add(y);
        for (let d = 0; d < dim; d++) vectors[iy * dim + d] = vectors[ix * dim + d] + offset[d] + 2.2 * normal();
      }
    }
  }
  // Case variants sit close to their originals, so they show up among the answers.
  for (const w of capitalised) {
    const iv = index.get(w.toLowerCase());
    const io = index.get(w)!;
    if (iv === undefined) continue;
    for (let d = 0; d < dim; d++) vectors[iv * dim + d] = vectors[io * dim + d] + 0.3 * normal();
  }
  const zero = words.findIndex((w) => w.startsWith('filler'));
  vectors.fill(0, zero * dim, (zero + 1) * dim);
  return new KeyedVectors({ words, vectors, dim });
}

/** Writes `kv` in word2vec text format; every float32 is printed exactly (shortest double form). */
export function writeWord2vecText(path: string, kv: KeyedVectors): void {
  const lines = [`${kv.size} ${kv.dim}`];
  for (let i = 0; i < kv.size; i++) lines.push(`${kv.words[i]} ${Array.from(kv.vectorAt(i)).join(' ')}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Runs a Python program with `input` as JSON on stdin and returns its JSON output. */
export function runPython<T>(program: string, input: unknown): T {
  const out = execFileSync(PYTHON, ['-c', program], {
    input: JSON.stringify(input),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  return JSON.parse(out) as T;
}
