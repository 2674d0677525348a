import { wordTokens } from '../classify/tfidf-ngrams.js';

/** Keywords of one topic with their c-TF-IDF weights, best first. */
export interface TopicKeyword {
  word: string;
  weight: number;
}

/**
 * Class-based TF-IDF (Grootendorst 2022, BERTopic eq. 1): all documents of a cluster form one
 * class document; W(t, c) = tf(t, c) / |c| · ln(1 + A / f(t)), where tf(t, c) is the count of
 * term t in class c, |c| the class's word count, f(t) the count of t over all classes and A the
 * average word count per class. Returns the `top` terms of each cluster (labels < 0 are outliers
 * and left out). Memory: one term map per cluster, never a dense terms × clusters matrix.
 */
export function classTfidfKeywords(
  texts: readonly string[],
  labels: ArrayLike<number>,
  k: number,
  options: { top?: number; stopWords?: ReadonlySet<string>; minLength?: number } = {},
): TopicKeyword[][] {
  const top = options.top ?? 10;
  const stop = options.stopWords ?? new Set<string>();
  const minLength = options.minLength ?? 2;
  const perClass = Array.from({ length: k }, () => new Map<string, number>());
  const size = new Float64Array(k);
  const total = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const c = labels[i];
    if (c < 0) continue;
    for (const w of wordTokens(texts[i])) {
      if (w.length < minLength || stop.has(w) || /^\d+$/.test(w)) continue;
      perClass[c].set(w, (perClass[c].get(w) ?? 0) + 1);
      total.set(w, (total.get(w) ?? 0) + 1);
      size[c]++;
    }
  }
  const nonEmpty = size.filter((s) => s > 0).length;
  const A = size.reduce((a, b) => a + b, 0) / Math.max(1, nonEmpty);
  return perClass.map((terms, c) => {
    const scored: TopicKeyword[] = [];
    for (const [word, tf] of terms) scored.push({ word, weight: (tf / size[c]) * Math.log(1 + A / (total.get(word) as number)) });
    scored.sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1));
    return scored.slice(0, top);
  });
}
