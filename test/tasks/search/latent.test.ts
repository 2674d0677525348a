import { describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { LatentSemanticModel, latentSettings } from '../../../src/tasks/search/latent.js';
import { lexicalTerms } from '../../../src/tasks/search/lexical-tokens.js';

// Small collection with two topics; "automobile" and "car" never share a text with the query word
// alone, but co-occur with engine/wheel/road words.
const TEXTS = [
  'car engine wheel road',
  'automobile engine wheel road',
  'car road driver engine',
  'automobile driver road wheel',
  'bread flour oven yeast',
  'bread oven loaf yeast',
  'flour loaf oven baker',
  'baker bread yeast flour',
  'car wheel driver',
  'loaf baker oven',
];

/** Sublinear TF-IDF rows (scikit-learn's smoothed IDF), L2-normalised, over terms with df ≥ 2: computed by hand. */
function tfidfRows(texts: string[]): Map<string, number>[] {
  const docs = texts.map((t) => lexicalTerms(t));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  return docs.map((d) => {
    const tf = new Map<string, number>();
    for (const t of d) if (df.get(t)! >= 2) tf.set(t, (tf.get(t) ?? 0) + 1);
    const row = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of tf) {
      const v = (1 + Math.log(f)) * (Math.log((1 + n) / (1 + df.get(t)!)) + 1);
      row.set(t, v);
      norm += v * v;
    }
    for (const [t, v] of row) row.set(t, v / Math.sqrt(norm));
    return row;
  });
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('LatentSemanticModel (LSA by randomized SVD)', () => {
  it('with all dimensions kept, latent cosines equal the TF-IDF cosines (V spans the row space)', () => {
    const m = LatentSemanticModel.fit(TEXTS, { dim: 64, seed: 3 });
    expect(m.dim).toBe(10); // limited by the 10 texts (12 terms occur twice or more)
    const rows = tfidfRows(TEXTS);
    const vecs = TEXTS.map((t) => m.embed(t));
    let worst = 0;
    for (let i = 0; i < TEXTS.length; i++)
      for (let j = 0; j < TEXTS.length; j++) {
        let want = 0;
        for (const [t, v] of rows[i]) want += v * (rows[j].get(t) ?? 0);
        worst = Math.max(worst, Math.abs(cosine(vecs[i], vecs[j]) - want));
      }
    expect(worst).toBeLessThan(1e-5);
  });

  it('with few dimensions, relates words that only co-occur (automobile ~ car texts)', () => {
    const m = LatentSemanticModel.fit(TEXTS, { dim: 2, seed: 1 });
    expect(m.dim).toBe(2);
    const q = m.embed('automobile');
    // "car wheel driver" shares no term with the query but its topic
    expect(cosine(q, m.embed('car wheel driver'))).toBeGreaterThan(0.9);
    expect(cosine(q, m.embed('loaf baker oven'))).toBeLessThan(0.2);
    // unknown words: a zero vector
    expect([...m.embed('zebra quantum')].every((x) => x === 0)).toBe(true);
  });

  it('is repeatable with a seed and round-trips through JSON', () => {
    const a = LatentSemanticModel.fit(TEXTS, { dim: 3, seed: 7 });
    const b = LatentSemanticModel.fit(TEXTS, { dim: 3, seed: 7 });
    expect(a.toJSON()).toEqual(b.toJSON());
    const c = LatentSemanticModel.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), 'x.json');
    expect(c.embed('car engine')).toEqual(a.embed('car engine'));
    expect(c.vocabularySize).toBe(a.vocabularySize);
  });

  it('fits a sample of huge collections and keeps the most frequent terms', () => {
    const m = LatentSemanticModel.fit(TEXTS, { dim: 2, maxFitChunks: 5, maxTerms: 4 });
    expect(m.documents).toBe(5);
    expect(m.vocabularySize).toBeLessThanOrEqual(4);
  });

  it('rejects bad settings and corrupt state', () => {
    expect(() => latentSettings({ dim: 0 })).toThrow(UsageError);
    expect(() => latentSettings({ minDf: 1.5 })).toThrow(/minDf/);
    const good = LatentSemanticModel.fit(TEXTS, { dim: 2 }).toJSON();
    expect(() => LatentSemanticModel.fromJSON({ ...good, loadings: 'AAAA' }, 'idx/docs-1.json')).toThrow(FileFormatError);
    expect(() => LatentSemanticModel.fromJSON({ ...good, loadings: 'AAAA' }, 'idx/docs-1.json')).toThrow(
      /docs-1\.json.*loadings hold 3 bytes/,
    );
    expect(() => LatentSemanticModel.fromJSON({ ...good, idf: [1] }, 'f')).toThrow(/bad idf/);
    const nan = Buffer.from(new Float32Array(good.terms.length * good.dim).fill(NaN).buffer).toString('base64');
    expect(() => LatentSemanticModel.fromJSON({ ...good, loadings: nan }, 'f')).toThrow(/NaN/);
  });
});
