/**
 * Load/save speed of every vector format on a synthetic model the size of a real one (341,479 × 100).
 * Not a test. Run: npm run build && node bench/io-formats.mjs [rows] [dim]
 * Each load runs in a fresh process so its RSS is meaningful.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyedVectors, loadVectors, loadVectorsSync, saveVectors } from '../dist/index.js';
import { FORMATS } from '../dist/io/word-vectors/formats.js';

function syntheticModel(rows, dim) {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = [];
  for (let i = 0; i < rows; i++) {
    let w = '';
    const n = 2 + Math.floor(random() * 9);
    for (let k = 0; k < n; k++) w += letters[Math.floor(random() * 26)];
    words.push(`${w}${i}`);
  }
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = (random() - 0.5) * 0.8;
  const counts = Float64Array.from({ length: rows }, (_, i) => Math.floor(1e7 / (i + 1)));
  return new KeyedVectors({ words, vectors, dim, counts });
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function loadOne(file, sync) {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const kv = sync ? loadVectorsSync(file) : await loadVectors(file);
  const ms = performance.now() - t0;
  const rssAfter = process.memoryUsage().rss;
  console.log(JSON.stringify({ ms, rows: kv.size, dim: kv.dim, rssBefore, rssAfter }));
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'load') return loadOne(rest[0], rest[1] === 'sync');
  const rows = Number(command ?? 341_479);
  const dim = Number(rest[0] ?? 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-bench-'));
  try {
    const t0 = performance.now();
    const kv = syntheticModel(rows, dim);
    console.log(`synthetic model ${rows} × ${dim} built in ${(performance.now() - t0).toFixed(0)} ms; node ${process.version}`);
    const self = fileURLToPath(import.meta.url);
    for (const format of FORMATS) {
      const file = path.join(dir, `model${format.extensions[0]}`);
      const s0 = performance.now();
      await saveVectors(kv, file, { format: format.name });
      const saveMs = performance.now() - s0;
      const size = fs.statSync(file).size;
      for (const mode of ['async', 'sync']) {
        const child = spawnSync(process.execPath, [self, 'load', file, mode], { encoding: 'utf8' });
        if (child.status !== 0) throw new Error(child.stderr);
        const r = JSON.parse(child.stdout);
        console.log(
          `${format.name.padEnd(10)} ${mode.padEnd(5)} size ${mb(size).padStart(9)}  save ${saveMs.toFixed(0).padStart(6)} ms  load ${r.ms.toFixed(0).padStart(6)} ms  RSS ${mb(r.rssBefore)} → ${mb(r.rssAfter)} (+${mb(r.rssAfter - r.rssBefore)})`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
