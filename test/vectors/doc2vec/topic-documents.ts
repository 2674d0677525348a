import { mulberry32 } from '../../../src/math/random.js';

/** Topics with disjoint vocabularies (plus shared function words), for separable documents. */
export const TOPICS = ['sport', 'cooking', 'music', 'space'] as const;
const FUNCTION_WORDS = ['the', 'a', 'of', 'and', 'in', 'to', 'is', 'with'];

function topicWords(topic: string): string[] {
  return Array.from({ length: 25 }, (_, i) => `${topic}${i}`);
}

/** `perTopic` documents per topic, each `length` words: topic words mixed with function words; tag `<topic>_<n>`. */
export function topicDocuments(perTopic: number, length = 30, seed = 7): { tags: string[]; words: string[]; topic: string }[] {
  const rnd = mulberry32(seed);
  const docs: { tags: string[]; words: string[]; topic: string }[] = [];
  for (let n = 0; n < perTopic; n++) {
    for (const topic of TOPICS) {
      const vocab = topicWords(topic);
      const words: string[] = [];
      for (let i = 0; i < length; i++) {
        const pool = rnd() < 0.35 ? FUNCTION_WORDS : vocab;
        words.push(pool[Math.floor(rnd() * pool.length)]);
      }
      docs.push({ tags: [`${topic}_${n}`], words, topic });
    }
  }
  return docs;
}

/** Fraction of documents whose nearest other document (cosine) is of the same topic. */
export function topicPurity(docs: { tags: string[]; topic: string }[], vectorOf: (tag: string) => Float32Array): number {
  const unit = docs.map((d) => {
    const v = vectorOf(d.tags[0]);
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n) || 1;
    return Float32Array.from(v, (x) => x / n);
  });
  let good = 0;
  for (let i = 0; i < docs.length; i++) {
    let best = -2;
    let bestJ = -1;
    for (let j = 0; j < docs.length; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < unit[i].length; k++) s += unit[i][k] * unit[j][k];
      if (s > best) {
        best = s;
        bestJ = j;
      }
    }
    if (docs[bestJ].topic === docs[i].topic) good++;
  }
  return good / docs.length;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}
