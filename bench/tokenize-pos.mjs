// Tokenizer speed with the preprocessing options, side by side with the libraries they wrap, in
// one run (one thread, this process):
//   - English: lines of the shared corpus (text8-like: lowercase, no punctuation). The default
//     Tokenizer (fast path), Tokenizer({lemma}), Tokenizer({keepPos: NOUN,VERB, lemma}), and wink-nlp
//     alone (readDoc + POS + lemma, the anchor of the tagged path);
//   - Chinese: synthetic sentences of jieba dictionary words drawn by frequency (seeded). The default
//     Tokenizer (Intl.Segmenter), Tokenizer({segmenter: 'jieba'}), jieba.cut alone (the anchor), and
//     Tokenizer({keepPos: NOUN}) (jieba's tagger).
// Speed is the anchor's seconds ÷ the run's seconds for the same lines (best of R rounds each);
// tokens out is what the run returns (the filters return fewer).
// Usage: npm run build && node bench/tokenize-pos.mjs [--lines N] [--rounds R]
import { createRequire } from 'node:module';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { Tokenizer } = await import('../dist/text/index.js');
const { mulberry32 } = await import('../dist/math/random.js');

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LINES = opt('--lines', 2000);
const ROUNDS = opt('--rounds', 3);
const CORPUS = join(import.meta.dirname, '../../shared/corpus/corpus.txt.gz');

/** The first `n` lines of the shared corpus, cut into sentences of at most 40 words (POS taggers work on sentences). */
async function englishLines(n) {
  const lines = [];
  const rl = createInterface({ input: createReadStream(CORPUS).pipe(createGunzip()) });
  for await (const line of rl) {
    const words = line.split(' ').filter(Boolean);
    for (let i = 0; i < words.length && lines.length < n * 20; i += 40) lines.push(words.slice(i, i + 40).join(' '));
    if (lines.length >= n * 20) break;
  }
  rl.close();
  return lines;
}

/** Sentences of 8–30 jieba dictionary words drawn by frequency (seeded), joined without spaces. */
function chineseLines(n) {
  const dict = readFileSync(require.resolve('@node-rs/jieba/dict.txt'), 'utf8');
  const words = [];
  const cumulative = [];
  let total = 0;
  for (const line of dict.split('\n')) {
    const [word, freq] = line.split(' ');
    if (!word || !(Number(freq) >= 50)) continue;
    total += Number(freq);
    words.push(word);
    cumulative.push(total);
  }
  const random = mulberry32(42);
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  return Array.from({ length: n }, () => Array.from({ length: 8 + Math.floor(random() * 23) }, draw).join(''));
}

/** Best of ROUNDS: seconds of `tokenize` over `lines`, and the tokens it returned. */
function measure(lines, tokenize) {
  tokenize(lines[0]); // loads the tagger or dictionary outside the timing
  let best = Infinity;
  let tokens = 0;
  for (let r = 0; r < ROUNDS; r++) {
    tokens = 0;
    const t0 = performance.now();
    for (const line of lines) tokens += tokenize(line).length;
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { tokens, seconds: best };
}

function table(title, rows, anchor) {
  console.log(`\n${title}`);
  console.log('| run | tokens out | s | speed ÷ anchor |');
  console.log('|---|---|---|---|');
  for (const [name, r] of rows)
    console.log(`| ${name} | ${r.tokens} | ${r.seconds.toFixed(3)} | ${(anchor.seconds / r.seconds).toFixed(2)} |`);
}

const en = await englishLines(LINES);
const winkNLP = require('wink-nlp');
const nlp = winkNLP(require('wink-eng-lite-web-model'), ['pos']);
const its = nlp.its;
const wink = measure(en, (line) => {
  const tokens = nlp.readDoc(line).tokens();
  tokens.out(its.pos);
  return tokens.out(its.lemma);
});
const plain = new Tokenizer();
const lemma = new Tokenizer({ lemma: true });
const nounsVerbs = new Tokenizer({ keepPos: ['NOUN', 'VERB'], lemma: true });
table(
  `English: ${en.length} sentences of the shared corpus (≤ 40 words), best of ${ROUNDS}`,
  [
    ['wink-nlp readDoc + pos + lemma (anchor)', wink],
    ['Tokenizer() default (fast path)', measure(en, (l) => plain.tokenize(l))],
    ['Tokenizer({ lemma })', measure(en, (l) => lemma.tokenize(l))],
    ['Tokenizer({ keepPos: NOUN,VERB, lemma })', measure(en, (l) => nounsVerbs.tokenize(l))],
  ],
  wink,
);

const zh = chineseLines(LINES * 10);
const { Jieba } = require('@node-rs/jieba');
const jieba = Jieba.withDict(require('@node-rs/jieba/dict').dict);
const cut = measure(zh, (line) => jieba.cut(line, true));
const intl = new Tokenizer();
const withJieba = new Tokenizer({ segmenter: 'jieba' });
const nouns = new Tokenizer({ keepPos: ['NOUN'] });
table(
  `Chinese: ${zh.length} synthetic sentences of jieba dictionary words, best of ${ROUNDS}`,
  [
    ['jieba.cut (anchor)', cut],
    ['Tokenizer() default (Intl.Segmenter)', measure(zh, (l) => intl.tokenize(l))],
    ["Tokenizer({ segmenter: 'jieba' })", measure(zh, (l) => withJieba.tokenize(l))],
    ['Tokenizer({ keepPos: NOUN }) (jieba tag)', measure(zh, (l) => nouns.tokenize(l))],
  ],
  cut,
);
