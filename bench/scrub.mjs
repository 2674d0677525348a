// PII scrubbing precision/recall per kind on a generated labelled set (bench/scrub-data.mjs: known
// spans of e-mails, URLs, IPs, phones, cards, IBANs, national ids and names, mixed with hard
// negatives), and throughput; side by side with redact-pii (the npm redaction library, regex
// patterns, run offline with its built-in patterns only) when installed out of tree:
//   npm install --prefix /tmp/pii-anchor redact-pii@3.4.0
// A predicted span counts as a hit when it has the gold span's kind and overlaps it by IoU ≥ 0.5;
// "any kind" scores spans regardless of their kind. embedkit gets the names list (as --names);
// redact-pii has no list option, so its name column is its own name heuristics.
// Usage: npm run build && node bench/scrub.mjs [--lines 20000] [--seed 1] [--anchor-dir /tmp/pii-anchor]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { labelledLines } from './scrub-data.mjs';

const { Scrubber } = await import('../dist/privacy/scrub/scrubber.js');
const { NameList } = await import('../dist/privacy/scrub/names.js');
const { PII_KINDS } = await import('../dist/privacy/scrub/kinds.js');

const arg = (flag, dflt) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('--lines', '20000'));
const SEED = Number(arg('--seed', '1'));
const ANCHOR_DIR = arg('--anchor-dir', '/tmp/pii-anchor');

const { lines, names } = labelledLines(N, SEED);
const chars = lines.reduce((s, l) => s + l.text.length, 0);

function score(predictions) {
  const per = Object.fromEntries([...PII_KINDS, 'any'].map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  lines.forEach((l, i) => {
    const pred = predictions[i];
    const iou = (a, b) => {
      const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
      return inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
    };
    for (const anyKind of [false, true]) {
      const usedGold = new Set();
      for (const p of pred) {
        const g = l.spans.findIndex((s, j) => !usedGold.has(j) && (anyKind || s.kind === p.kind) && iou(s, p) >= 0.5);
        const bucket = per[anyKind ? 'any' : p.kind] ?? per.any;
        if (g >= 0) {
          usedGold.add(g);
          bucket.tp++;
        } else if (anyKind || per[p.kind]) bucket.fp++;
      }
      l.spans.forEach((s, j) => {
        if (!usedGold.has(j)) per[anyKind ? 'any' : s.kind].fn++;
      });
    }
  });
  const out = {};
  for (const [k, c] of Object.entries(per)) {
    out[k] = { precision: c.tp / (c.tp + c.fp || 1), recall: c.tp / (c.tp + c.fn || 1), gold: c.tp + c.fn, predicted: c.tp + c.fp };
  }
  return out;
}

// embedkit
const scrubber = new Scrubber({ names: new NameList(names) });
let t0 = performance.now();
const ours = lines.map((l) => scrubber.find(l.text));
const oursSeconds = (performance.now() - t0) / 1000;
const results = [{ name: 'embedkit Scrubber', seconds: oursSeconds, scores: score(ours) }];

// redact-pii (anchor), spans recovered by aligning its output with the input
const KIND_OF_TOKEN = {
  EMAIL_ADDRESS: 'email',
  URL: 'url',
  IP_ADDRESS: 'ip',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD_NUMBER: 'credit-card',
  US_SOCIAL_SECURITY_NUMBER: 'national-id',
  PERSON_NAME: 'name',
  NAME: 'name',
};
let anchor;
try {
  const require = createRequire(join(ANCHOR_DIR, 'package.json'));
  anchor = require('redact-pii');
} catch {
  console.log(`redact-pii not found under ${ANCHOR_DIR} (npm install --prefix ${ANCHOR_DIR} redact-pii@3.4.0): embedkit only`);
}
if (anchor) {
  const redactor = new anchor.SyncRedactor();
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const TOKEN = /\b([A-Z][A-Z_]{2,})\b/g;
  t0 = performance.now();
  const outputs = lines.map((l) => redactor.redact(l.text));
  const anchorSeconds = (performance.now() - t0) / 1000;
  const preds = lines.map((l, i) => {
    const out = outputs[i];
    const pieces = [];
    let at = 0;
    for (const m of out.matchAll(TOKEN)) {
      if (!/_|^(?:URL|DIGITS|NAME)$/.test(m[1]) || l.text.includes(m[1])) continue; // a placeholder, not text
      pieces.push({ lit: out.slice(at, m.index) }, { token: m[1] });
      at = m.index + m[0].length;
    }
    pieces.push({ lit: out.slice(at) });
    const re = new RegExp(`^${pieces.map((p) => (p.token ? '([\\s\\S]+?)' : escape(p.lit))).join('')}$`, 'd');
    const m = re.exec(l.text);
    if (!m) return [];
    const tokens = pieces.filter((p) => p.token);
    return tokens.map((p, j) => ({
      kind: KIND_OF_TOKEN[p.token] ?? `other:${p.token}`,
      start: m.indices[j + 1][0],
      end: m.indices[j + 1][1],
    }));
  });
  results.push({ name: 'redact-pii 3.4.0 (SyncRedactor, built-in patterns)', seconds: anchorSeconds, scores: score(preds) });
}

const pct = (x) => (100 * x).toFixed(1);
console.log(`${N} lines (${(chars / 1e6).toFixed(2)} M characters), seed ${SEED}`);
console.log(`| kind | gold | ${results.map((r) => `${r.name} P | R`).join(' | ')} |`);
console.log(`|---|---|${results.map(() => '---|---').join('|')}|`);
for (const k of [...PII_KINDS, 'any']) {
  const gold = results[0].scores[k].gold;
  console.log(`| ${k} | ${gold} | ${results.map((r) => `${pct(r.scores[k].precision)} | ${pct(r.scores[k].recall)}`).join(' | ')} |`);
}
for (const r of results) console.log(`${r.name}: ${(N / r.seconds).toFixed(0)} lines/s, ${(chars / r.seconds / 1e6).toFixed(2)} M chars/s`);
if (results.length > 1) console.log(`speed ratio embedkit / redact-pii: ${(results[1].seconds / results[0].seconds).toFixed(2)}×`);
