#!/usr/bin/env node
// Analogy evaluation speed, side by side: embedkit evaluateAnalogies vs gensim
// KeyedVectors.evaluate_word_analogies (Debian python3-gensim) on the same vectors and
// questions-words.txt, restrict_vocab 30000. Prints seconds, accuracy and the ratio.
//   npm run build && npm run bench:analogy [-- VECTORS_FILE]   (default: a seeded random 30000 × 100 model)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateAnalogies, KeyedVectors, loadVectors, saveVectors } from '../dist/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const questions = resolve(root, '../shared/eval/questions-words.txt');
const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-analogy-'));
let file = process.argv[2];
if (!file) {
  // Random model over the question words (so every question is covered) padded to 30000 words.
  const words = [
    ...new Set(
      readFileSync(questions, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith(':'))
        .flatMap((l) => l.toLowerCase().split(/\s+/)),
    ),
  ];
  for (let i = 0; words.length < 30000; i++) words.push(`filler${i}`);
  let s = 7;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const kv = new KeyedVectors({ words, vectors: Float32Array.from({ length: words.length * 100 }, rnd), dim: 100 });
  file = join(work, 'random.bin');
  await saveVectors(kv, file, { format: 'w2v-binary' });
}
const kv = await loadVectors(file);
const t0 = performance.now();
const ours = await evaluateAnalogies(kv, questions, { restrictVocab: 30000 });
const oursS = (performance.now() - t0) / 1000;
const py = `
import json, logging, sys, time
logging.disable(logging.WARNING)
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=${file.endsWith('.bin') ? 'True' : 'False'})
t0 = time.time()
score, sections = kv.evaluate_word_analogies(sys.argv[2], restrict_vocab=30000)
print(json.dumps({"seconds": time.time() - t0, "accuracy": score, "total": len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])}))
`;
const g = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file, questions], { encoding: 'utf8' }).trim().split('\n').pop());
console.log(`vectors ${file}: ${kv.size} × ${kv.dim}; questions-words.txt, restrict_vocab 30000`);
console.log(`gensim   ${g.seconds.toFixed(2)} s  accuracy ${(100 * g.accuracy).toFixed(2)}%  questions ${g.total}`);
console.log(`embedkit ${oursS.toFixed(2)} s  accuracy ${(100 * ours.accuracy).toFixed(2)}%  questions ${ours.total}`);
console.log(`speed ×${(g.seconds / oursS).toFixed(2)}`);
rmSync(work, { recursive: true, force: true });
