import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { Doc2VecOptions } from '../../../src/vectors/doc2vec/options.js';
import { Doc2Vec, trainDoc2Vec } from '../../../src/vectors/doc2vec/trainer.js';
import { cosine, TOPICS, topicDocuments, topicPurity } from './topic-documents.js';

const docs = topicDocuments(30);
const base: Doc2VecOptions = { dim: 32, window: 3, minCount: 1, epochs: 20, sample: 0, seed: 3, workers: 1 };

function train(o: Doc2VecOptions = {}) {
  return trainDoc2Vec(docs, { ...base, ...o });
}

describe('Doc2Vec training (small corpus of documents on four topics with distinct vocabularies)', () => {
  const variants: [string, Doc2VecOptions][] = [
    ['PV-DBOW, negative sampling', { model: 'dbow' }],
    ['PV-DBOW with skip-gram word training', { model: 'dbow', dbowWords: true }],
    ['PV-DBOW, hierarchical softmax', { model: 'dbow', hs: true, negative: 0 }],
    ['PV-DM mean, negative sampling', { model: 'dm' }],
    ['PV-DM sum, hs + ns', { model: 'dm', dmMean: false, hs: true, alpha: 0.01 }],
    ['PV-DBOW, 2 workers, subsampling', { model: 'dbow', workers: 2, sample: 1e-2 }],
  ];
  for (const [name, o] of variants) {
    it(`${name}: documents of a topic are each other's nearest`, async () => {
      const { model, documents, training } = await train(o);
      expect(documents.documents).toBe(docs.length);
      expect(documents.tags).toBe(docs.length);
      expect(model.dv.size).toBe(docs.length);
      expect(training.words).toBe(docs.length * 30 * base.epochs!);
      for (const v of model.dv.vectors) expect(Number.isFinite(v)).toBe(true);
      expect(topicPurity(docs, (t) => model.dv.get(t))).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('trains the word vectors with PV-DM and dbowWords, leaves them alone with plain PV-DBOW', async () => {
    const plain = await train({ model: 'dbow', epochs: 2 });
    const plainLonger = await train({ model: 'dbow', epochs: 4 });
    const words = await train({ model: 'dbow', dbowWords: true, epochs: 2 });
    const dm = await train({ model: 'dm', epochs: 2 });
    // same seed, same random start: plain PV-DBOW never updates the word vectors
    expect(plainLonger.model.wv.get('sport0')).toEqual(plain.model.wv.get('sport0'));
    expect(words.model.wv.get('sport0')).not.toEqual(plain.model.wv.get('sport0'));
    expect(dm.model.wv.get('sport0')).not.toEqual(plain.model.wv.get('sport0'));
  });

  it('is bit-for-bit repeatable with one worker and a seed', async () => {
    const a = await train({ epochs: 3, dbowWords: true });
    const b = await train({ epochs: 3, dbowWords: true });
    const c = await train({ epochs: 3, dbowWords: true, seed: 4 });
    expect(Buffer.compare(Buffer.from(a.model.dv.vectors.buffer), Buffer.from(b.model.dv.vectors.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.model.wv.vectors.buffer), Buffer.from(b.model.wv.vectors.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.model.dv.vectors.buffer), Buffer.from(c.model.dv.vectors.buffer))).not.toBe(0);
  });

  it('gives one vector to a tag shared by several documents, and several tags to one document', async () => {
    const tagged = docs.map((d) => ({ tags: [d.topic, ...d.tags], words: d.words }));
    const { model } = await trainDoc2Vec(tagged, { ...base, epochs: 10 });
    expect(model.dv.size).toBe(TOPICS.length + docs.length);
    const sport = model.dv.get('sport');
    expect(cosine(sport, model.dv.get('sport_0'))).toBeGreaterThan(cosine(sport, model.dv.get('music_0')));
    expect(model.mostSimilar('sport', { topn: 1 })[0].word).not.toBe('sport');
  });

  it('takes texts and tokenizes them with the given tokenizer settings, kept for inference', async () => {
    const texts = docs.map((d) => ({ tags: d.tags, text: d.words.join(' ').toUpperCase() }));
    const { model } = await trainDoc2Vec(texts, { ...base, epochs: 2, tokenizer: { lowercase: false } });
    expect(model.wv.has('SPORT0')).toBe(true);
    expect(model.tokenize('Sport0 x')).toEqual(['Sport0', 'x']);
  });
});

describe('Doc2Vec bad input', () => {
  it('refuses documents without tags or words, with the document named', async () => {
    const d2v = () => new Doc2Vec(base);
    await expect(d2v().buildVocab([{ tags: [], words: ['a'] }])).rejects.toThrow(/document 0: tags must be a non-empty array/);
    await expect(
      d2v().buildVocab([
        { tags: ['x'], words: ['a'] },
        { tags: ['y'], words: [] },
      ]),
    ).rejects.toThrow(/document 1 \(tags y\) has no words/);
    await expect(d2v().buildVocab([{ tags: ['x'], text: '   ' }])).rejects.toThrow(UsageError);
    await expect(d2v().buildVocab([{ words: ['a'] } as never])).rejects.toThrow(/tags/);
    await expect(d2v().buildVocab([])).rejects.toThrow(/no documents/);
  });

  it('refuses bad options and calls out of order', async () => {
    expect(() => new Doc2Vec({ model: 'cbow' as never })).toThrow(/model must be 'dbow' or 'dm'/);
    expect(() => new Doc2Vec({ model: 'dm', dbowWords: true })).toThrow(/dbowWords applies to model 'dbow'/);
    expect(() => new Doc2Vec({ negative: 0 })).toThrow(/enable one of negative sampling or hierarchical softmax/);
    expect(() => new Doc2Vec({ dim: 0 })).toThrow(UsageError);
    await expect(new Doc2Vec(base).train()).rejects.toThrow(/buildVocab/);
    expect(() => new Doc2Vec(base).model).toThrow(/train/);
  });

  it('counts documents none of whose words made the vocabulary', async () => {
    const d2v = new Doc2Vec({ ...base, minCount: 2 });
    const summary = await d2v.buildVocab([...docs, { tags: ['rare'], words: ['hapax', 'legomenon'] }]);
    expect(summary.untrainedDocuments).toBe(1);
    expect(summary.tags).toBe(docs.length + 1);
  });
});
