import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlatIndex } from '../../../src/ann/flat-index.js';
import { HnswIndex } from '../../../src/ann/hnsw-index.js';
import { loadIndex, loadIndexSync } from '../../../src/ann/persistence.js';
import { readContainer, writeContainer } from '../../../src/io/container/index.js';
import { setEncryptionKey, withEncryptionKey } from '../../../src/io/crypto/context.js';
import { EncryptedFileError } from '../../../src/io/crypto/encrypted-file-error.js';
import { HEADER_BYTES } from '../../../src/io/crypto/envelope-format.js';
import { readFastTextModel, readFastTextModelSync } from '../../../src/io/fasttext/read.js';
import { writeFastTextModel } from '../../../src/io/fasttext/write.js';
import { readJsonlVectors, streamJsonlVectors } from '../../../src/io/matrix/jsonl-read.js';
import { writeJsonlVectors } from '../../../src/io/matrix/jsonl-write.js';
import { readNpy, readNpySync } from '../../../src/io/matrix/npy-read.js';
import { writeNpy } from '../../../src/io/matrix/npy-write.js';
import { readVectorsAny } from '../../../src/io/matrix/read-any.js';
import { readVecs, readVecsSync } from '../../../src/io/matrix/vecs-read.js';
import { streamVecs } from '../../../src/io/matrix/vecs-stream.js';
import { writeVecs } from '../../../src/io/matrix/vecs-write.js';
import { detectFormat } from '../../../src/io/word-vectors/detect.js';
import { Classifier } from '../../../src/tasks/classify/classifier.js';
import { Doc2VecModel } from '../../../src/vectors/doc2vec/model.js';
import { trainDoc2Vec } from '../../../src/vectors/doc2vec/trainer.js';
import { FastTextModel } from '../../../src/vectors/fasttext/fasttext-model.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { loadVectors, loadVectorsSync } from '../../../src/vectors/load.js';
import { saveVectors, saveVectorsSync } from '../../../src/vectors/save.js';
import { LID_FTZ } from '../../helpers/fasttext-cli.js';
import { topicTexts } from '../../tasks/classify/topics-data.js';
import { topicDocuments } from '../../vectors/doc2vec/topic-documents.js';
import { makeTempDir } from '../helpers.js';
import { KEY, OTHER_KEY } from './helpers.js';

const tmp = makeTempDir();
beforeAll(() => setEncryptionKey(KEY));
afterAll(() => {
  setEncryptionKey(null);
  tmp.cleanup();
});

/** Secret words: none may appear in an encrypted file. */
const WORDS = Array.from({ length: 40 }, (_, i) => `confidential${i}`);
const DIM = 8;
const vectors = Float32Array.from({ length: WORDS.length * DIM }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
const kv = new KeyedVectors({ words: WORDS, vectors, dim: DIM });

/** The file is an envelope and holds none of `words` (nor the first one in UTF-16). */
function expectEncrypted(file: string, words: readonly string[] = WORDS): void {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x45, 0x4b, 0x45, 0x4e, 0x43, 0x0d, 0x0a]));
  for (const w of words) expect(bytes.includes(Buffer.from(w)), `${file} holds '${w}'`).toBe(false);
  if (words.length > 0) expect(bytes.includes(Buffer.from(words[0], 'utf16le'))).toBe(false);
}

/** Reading `file` without the key and with another key fails with errors naming it. */
async function expectLocked(file: string, read: (file: string) => Promise<unknown>): Promise<void> {
  for (const [key, reason] of [
    [null, 'no-key'],
    [OTHER_KEY, 'wrong-key'],
  ] as const) {
    const error = await withEncryptionKey(key, () => read(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncryptedFileError);
    expect((error as EncryptedFileError).reason).toBe(reason);
    expect((error as Error).message).toContain(file);
  }
}

describe('every format round-trips encrypted, and no secret word is left in the file', () => {
  it.each(['ekv', 'w2v-binary', 'w2v-text', 'glove'] as const)('word vectors: %s (plain and .gz, sync and async)', async (format) => {
    for (const name of [`v.${format}`, `v.${format}.gz`]) {
      const file = tmp.file(name);
      await saveVectors(kv, file, { format });
      expectEncrypted(file);
      expect(await detectFormat(file)).toMatchObject({ format });
      const back = await loadVectors(file, { format });
      expect(back.words).toEqual(WORDS);
      if (format === 'ekv' || format === 'w2v-binary') expect(back.vectors).toEqual(vectors);
      else for (let i = 0; i < vectors.length; i++) expect(back.vectors[i]).toBeCloseTo(vectors[i], 5);
      saveVectorsSync(kv, file, { format });
      expect(loadVectorsSync(file).words).toEqual(WORDS);
      await expectLocked(file, (f) => loadVectors(f));
    }
  });

  it('matrices: fvecs/ivecs/bvecs (also streamed), npy, JSON Lines', async () => {
    const data = vectors.slice();
    await writeVecs(tmp.file('m.fvecs'), 'fvecs', { data, dim: DIM });
    await writeVecs(tmp.file('m.ivecs'), 'ivecs', { data: Int32Array.from(data, (x) => Math.round(x * 100)), dim: DIM });
    await writeVecs(tmp.file('m.bvecs'), 'bvecs', { data: Uint8Array.from(data, (x) => Math.abs(Math.round(x * 10))), dim: DIM });
    for (const kind of ['fvecs', 'ivecs', 'bvecs'] as const) expectEncrypted(tmp.file(`m.${kind}`), []);
    expect((await readVecs(tmp.file('m.fvecs'), 'fvecs')).data).toEqual(data);
    expect(readVecsSync(tmp.file('m.fvecs'), 'fvecs', { offset: 3, limit: 5 }).data).toEqual(data.subarray(3 * DIM, 8 * DIM));
    const streamed: number[] = [];
    for await (const batch of streamVecs(tmp.file('m.fvecs'), 'fvecs', { batchRows: 7 })) streamed.push(...batch.data);
    expect(Float32Array.from(streamed)).toEqual(data);
    expect((await readVecs(tmp.file('m.ivecs'), 'ivecs')).rows).toBe(WORDS.length);
    expect((await readVecs(tmp.file('m.bvecs'), 'bvecs')).rows).toBe(WORDS.length);
    await writeNpy(tmp.file('m.npy'), { data, dim: DIM });
    expectEncrypted(tmp.file('m.npy'), []);
    expect((await readNpy(tmp.file('m.npy'))).data).toEqual(data);
    expect(readNpySync(tmp.file('m.npy')).rows).toBe(WORDS.length);
    expect((await readVectorsAny(tmp.file('m.npy'))).format).toBe('npy');
    await writeJsonlVectors(tmp.file('m.jsonl'), { ids: WORDS, data, dim: DIM, metadata: WORDS.map((w) => ({ note: `${w}-note` })) });
    expectEncrypted(tmp.file('m.jsonl'));
    const j = await readJsonlVectors(tmp.file('m.jsonl'));
    expect(j.ids).toEqual(WORDS);
    expect(j.metadata[3]).toEqual({ note: 'confidential3-note' });
    let streamedRows = 0;
    for await (const batch of streamJsonlVectors(tmp.file('m.jsonl'), { batchRows: 9 })) streamedRows += batch.rows;
    expect(streamedRows).toBe(WORDS.length);
    expect((await readVectorsAny(tmp.file('m.jsonl'))).ids).toEqual(WORDS);
    await expectLocked(tmp.file('m.fvecs'), (f) => readVecs(f, 'fvecs'));
    await expectLocked(tmp.file('m.jsonl'), (f) => readJsonlVectors(f));
  });

  it('the index container, and saved flat and HNSW indexes', async () => {
    await writeContainer(tmp.file('c.ekx'), {
      kind: 'test',
      kindVersion: 1,
      meta: { owner: WORDS[0] },
      sections: [{ name: 'rows', data: vectors }],
    });
    expectEncrypted(tmp.file('c.ekx'));
    const c = await readContainer(tmp.file('c.ekx'));
    expect(c.meta).toEqual({ owner: WORDS[0] });
    const ids = WORDS.map((w) => `id-${w}`);
    const hnsw = new HnswIndex({ metric: 'cosine', dim: DIM, threads: 1, m: 8 });
    hnsw.addSync(
      ids,
      vectors,
      ids.map((id) => ({ label: `${id}-label` })),
    );
    const flat = new FlatIndex({ metric: 'l2', dim: DIM });
    flat.addSync(ids, vectors);
    for (const [name, index] of [
      ['h.idx', hnsw],
      ['f.idx', flat],
    ] as const) {
      const file = tmp.file(name);
      await index.save(file);
      expectEncrypted(file, ids);
      const back = await loadIndex(file);
      const query = vectors.subarray(5 * DIM, 6 * DIM);
      expect(back.search(query, 5)).toEqual(index.search(query, 5));
      expect(loadIndexSync(file).size).toBe(WORDS.length);
      await expectLocked(file, (f) => loadIndex(f));
    }
  });

  it('a fastText .bin written by embedkit, and the model loaded from it', async () => {
    const model = await readFastTextModel(LID_FTZ);
    const file = tmp.file('lid.ftz');
    await writeFastTextModel(file, model);
    expectEncrypted(file, ['__label__en', '__label__fr']);
    const back = readFastTextModelSync(file);
    expect(back.dictionary.words.slice(0, 50)).toEqual(model.dictionary.words.slice(0, 50));
    const ft = await FastTextModel.load(file);
    const plain = await FastTextModel.load(LID_FTZ);
    expect(ft.wordVector('bonjour')).toEqual(plain.wordVector('bonjour'));
    await expectLocked(file, (f) => readFastTextModel(f));
  });

  it('a Doc2Vec model (.d2v)', async () => {
    const docs = topicDocuments(6);
    const { model } = await trainDoc2Vec(docs, { dim: 8, minCount: 1, epochs: 2, seed: 5, workers: 1, model: 'dbow' });
    const file = tmp.file('m.d2v');
    await model.save(file);
    const words = model.wv.words.filter((w) => w.length >= 5).slice(0, 10);
    expect(words.length).toBeGreaterThan(3); // precondition: words long enough not to occur by chance
    expectEncrypted(file, words);
    const back = await Doc2VecModel.load(file);
    expect(back.dv.vectors).toEqual(model.dv.vectors);
    await expectLocked(file, (f) => Doc2VecModel.load(f));
  });

  it('a classifier model: train, save, load, same predictions', async () => {
    const train = topicTexts(120, 1);
    const model = await Classifier.train(train, { method: 'logistic' });
    const file = tmp.file('clf.json');
    await model.save(file);
    const vocabulary = [...new Set(train.inputs.join(' ').split(/\s+/u))].filter((w) => w.length >= 4).slice(0, 30);
    expect(vocabulary.length).toBeGreaterThan(10); // precondition: real words to look for
    expectEncrypted(file, [...vocabulary, '"format"', 'music']);
    const back = await Classifier.load(file);
    const probe = topicTexts(20, 2).inputs;
    expect(await back.predict(probe)).toEqual(await model.predict(probe));
    await expectLocked(file, (f) => Classifier.load(f));
  });

  it('the header costs 72 bytes, each 64 KiB chunk 16', async () => {
    const file = tmp.file('size.ekv');
    await withEncryptionKey(null, () => saveVectors(kv, file));
    const plainSize = fs.statSync(file).size;
    await saveVectors(kv, file);
    expect(fs.statSync(file).size).toBe(plainSize + HEADER_BYTES + 16 * Math.ceil(plainSize / 65536));
  });
});
