import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { crc32 } from '../../../src/io/core/crc32.js';
import { Doc2VecModel } from '../../../src/vectors/doc2vec/model.js';
import { trainDoc2Vec } from '../../../src/vectors/doc2vec/trainer.js';
import { cosine, topicDocuments } from './topic-documents.js';

const docs = topicDocuments(25);
let dir: string;
let dbow: Doc2VecModel;
let dm: Doc2VecModel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-doc2vec-'));
  const o = { dim: 32, window: 3, minCount: 1, epochs: 20, sample: 0, seed: 5, workers: 1 };
  dbow = (await trainDoc2Vec(docs, { ...o, model: 'dbow' })).model;
  dm = (await trainDoc2Vec(docs, { ...o, model: 'dm', hs: true })).model;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Doc2VecModel.inferVector', () => {
  for (const [name, model] of [
    ['PV-DBOW', () => dbow],
    ['PV-DM', () => dm],
  ] as const) {
    it(`${name}: same seed → same vector; other seeds → close vectors`, () => {
      const text = docs[3].words;
      const a = model().inferVector(text, { seed: 1, epochs: 50 });
      const b = model().inferVector(text, { seed: 1, epochs: 50 });
      const c = model().inferVector(text, { seed: 2, epochs: 50 });
      expect(a.length).toBe(32);
      expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(c.buffer))).not.toBe(0);
      expect(cosine(a, c)).toBeGreaterThan(0.9);
    });

    it(`${name}: a new document of a topic lands among that topic's documents`, () => {
      const fresh = topicDocuments(8, 30, 99);
      let good = 0;
      for (const d of fresh) {
        const v = model().inferVector(d.words, { epochs: 50 });
        const [top] = model().mostSimilar(v, { topn: 1 });
        if (top.word.startsWith(`${d.topic}_`)) good++;
      }
      expect(good / fresh.length).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('tokenizes text as in training, ignores unknown words, refuses bad settings', () => {
    const words = docs[0].words;
    expect(dbow.inferVector(words.join(' ').toUpperCase(), { seed: 9 })).toEqual(dbow.inferVector([...words, 'zzz'], { seed: 9 }));
    expect(dbow.inferVector('', { seed: 1 }).length).toBe(32); // no known word: the random start
    expect(() => dbow.inferVector('x', { epochs: 0 })).toThrow(/epochs/);
    expect(() => dbow.inferVector('x', { alpha: -1 })).toThrow(/alpha/);
    expect(() => dbow.inferVector(42 as never)).toThrow(/string or an array/);
    const m = dbow.inferVectors(['sport1 sport2', 'music3'], { seed: 1 });
    expect(m.length).toBe(64);
  });
});

describe('Doc2Vec model files', () => {
  it('round-trips: vectors, tags, options and inference', async () => {
    for (const [name, model] of [
      ['dbow', dbow],
      ['dm', dm],
    ] as const) {
      const file = join(dir, `${name}.d2v`);
      await model.save(file);
      const back = await Doc2VecModel.load(file);
      expect(back.options).toEqual(model.options);
      expect(back.dv.words).toEqual(model.dv.words);
      expect(back.wv.words).toEqual(model.wv.words);
      expect(back.dv.vectors).toEqual(model.dv.vectors);
      expect(back.wv.vectors).toEqual(model.wv.vectors);
      expect(back.inferVector(docs[1].words, { seed: 4 })).toEqual(model.inferVector(docs[1].words, { seed: 4 }));
    }
  });

  it('refuses corrupt, truncated and foreign files with the file named', async () => {
    const file = join(dir, 'good.d2v');
    await dbow.save(file);
    const good = readFileSync(file);
    const variant = (name: string, bytes: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    const withCrc = (bytes: Buffer) => {
      const b = Buffer.from(bytes);
      b.writeUInt32LE(crc32(b.subarray(0, b.length - 4)) >>> 0, b.length - 4);
      return b;
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.d2v', new Uint8Array(0), /too short/],
      ['magic.d2v', Buffer.concat([Buffer.from('NOTADOC\n'), good.subarray(8)]), /bad magic/],
      ['truncated.d2v', good.subarray(0, good.length - 100), /truncated: the header implies/],
      ['trailing.d2v', Buffer.concat([good, Buffer.alloc(8)]), /trailing bytes/],
      ['flipped.d2v', Buffer.from(good).fill(7, good.length - 40, good.length - 36), /checksum mismatch/],
    ];
    const version = Buffer.from(good);
    version.writeUInt32LE(2, 8);
    cases.push(['version.d2v', version, /version 2 is not supported/]);
    const header = Buffer.from(good);
    header.writeUInt32LE(0x7fffffff, 12);
    cases.push(['header.d2v', header, /truncated: the header needs/]);
    // a valid checksum over a header that lies about the vocabulary
    const h = good.readUInt32LE(12);
    const json = good
      .subarray(16, 16 + h)
      .toString('utf8')
      .replace(/"vocabSize":(\d+)/, (_, n: string) => `"vocabSize":${Number(n) + 1}`);
    expect(json.length).toBe(h);
    cases.push(['lying.d2v', withCrc(Buffer.concat([good.subarray(0, 16), Buffer.from(json), good.subarray(16 + h)])), /header implies/]);
    for (const [name, bytes, message] of cases) {
      const p = variant(name, bytes);
      const err = await Doc2VecModel.load(p).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(FileFormatError);
      expect((err as Error).message, name).toContain(p);
      expect((err as Error).message, name).toMatch(message);
    }
    await expect(Doc2VecModel.load(join(dir, 'missing.d2v'))).rejects.toThrow(/missing\.d2v/);
  });
});
