/**
 * Cost of encryption at rest (docs/encryption.md): save and load of a large vectors file (.ekv) and of
 * a saved flat index, plain and encrypted side by side in one run (alternating, median of the rounds),
 * as throughput in MB/s of plaintext and as the ratio encrypted / plain; and the peak memory of a load
 * in a fresh process, plain and encrypted. Not a test.
 * Run: npm run build && node bench/crypto.mjs [rows=200000] [dim=100] [rounds=5]
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlatIndex, KeyedVectors, loadIndex, loadVectors, saveVectors } from '../dist/index.js';
import { EncryptionKey, withEncryptionKey } from '../dist/io/index.js';

const KEY = EncryptionKey.fromBytes(Buffer.alloc(32, 42), 'bench key');

function syntheticVectors(rows, dim) {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const words = Array.from({ length: rows }, (_, i) => `w${i.toString(36)}x${Math.floor(random() * 1e6)}`);
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = (random() - 0.5) * 0.8;
  return new KeyedVectors({ words, vectors, dim });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => bytes / 1e6;

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Child mode: load one file and print the peak RSS. */
async function child(kind, file, encrypted) {
  const run = async () => (kind === 'ekv' ? loadVectors(file, { format: 'ekv' }) : loadIndex(file, { threads: 1 }));
  const before = process.resourceUsage().maxRSS;
  const loaded = await withEncryptionKey(encrypted === 'yes' ? KEY : null, run);
  console.log(JSON.stringify({ before: before * 1024, peak: process.resourceUsage().maxRSS * 1024, size: loaded.size }));
}

function peakRss(kind, file, encrypted) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', kind, file, encrypted ? 'yes' : 'no'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === 'child') return child(args[1], args[2], args[3]);
  const rows = Number(args[0] ?? 200_000);
  const dim = Number(args[1] ?? 100);
  const rounds = Number(args[2] ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-crypto-bench-'));
  try {
    const kv = syntheticVectors(rows, dim);
    const index = new FlatIndex({ metric: 'cosine', dim });
    index.addSync(
      Array.from({ length: rows }, (_, i) => i),
      kv.vectors,
    );
    console.log(
      `${rows} × ${dim} vectors; node ${process.version}, ${os.cpus()[0].model}; ${rounds} rounds, plain and encrypted alternating; files in ${os.tmpdir()}`,
    );

    // The cipher alone, for reference: AES-256-GCM over 64 KiB chunks in memory.
    const buf = crypto.randomBytes(64 << 20);
    const gcm = await timed(() => {
      for (let o = 0; o < buf.length; o += 65536) {
        const c = crypto.createCipheriv('aes-256-gcm', Buffer.alloc(32, 1), Buffer.alloc(12, o & 0xff));
        c.update(buf.subarray(o, o + 65536));
        c.final();
        c.getAuthTag();
      }
    });
    console.log(`AES-256-GCM alone (node:crypto, 64 KiB chunks, in memory): ${(mb(buf.length) / gcm).toFixed(0)} MB/s`);

    const cases = [
      {
        name: 'vectors .ekv',
        kind: 'ekv',
        file: (enc) => path.join(dir, enc ? 'enc.ekv' : 'plain.ekv'),
        save: (file) => saveVectors(kv, file, { format: 'ekv' }),
        load: (file) => loadVectors(file, { format: 'ekv' }),
      },
      {
        name: 'flat index .ekx',
        kind: 'index',
        file: (enc) => path.join(dir, enc ? 'enc.ekx' : 'plain.ekx'),
        save: (file) => index.save(file),
        load: (file) => loadIndex(file, { threads: 1 }),
      },
    ];
    const rowsOut = [];
    for (const c of cases) {
      const t = { save: { plain: [], enc: [] }, load: { plain: [], enc: [] } };
      for (let r = 0; r < rounds; r++) {
        for (const enc of r % 2 === 0 ? [false, true] : [true, false]) {
          const key = enc ? KEY : null;
          t.save[enc ? 'enc' : 'plain'].push(await withEncryptionKey(key, () => timed(() => c.save(c.file(enc)))));
          t.load[enc ? 'enc' : 'plain'].push(await withEncryptionKey(key, () => timed(() => c.load(c.file(enc)))));
        }
      }
      const plainBytes = fs.statSync(c.file(false)).size;
      const encBytes = fs.statSync(c.file(true)).size;
      const memPlain = peakRss(c.kind, c.file(false), false);
      const memEnc = peakRss(c.kind, c.file(true), true);
      for (const op of ['save', 'load']) {
        const p = median(t[op].plain);
        const e = median(t[op].enc);
        rowsOut.push({
          file: c.name,
          op,
          mb: mb(plainBytes).toFixed(1),
          plain: (mb(plainBytes) / p).toFixed(0),
          enc: (mb(plainBytes) / e).toFixed(0),
          ratio: (e / p).toFixed(2),
        });
      }
      console.log(
        `${c.name}: ${plainBytes} bytes plain, ${encBytes} encrypted (+${encBytes - plainBytes}); load peak RSS plain ${mb(memPlain.peak) | 0} MB, encrypted ${mb(memEnc.peak) | 0} MB`,
      );
    }
    console.log('\n| file | operation | plaintext MB | plain MB/s | encrypted MB/s | time encrypted / plain |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rowsOut) console.log(`| ${r.file} | ${r.op} | ${r.mb} | ${r.plain} | ${r.enc} | ${r.ratio} |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
