import { UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { STOP_WORD_LISTS } from '../../text/stopwords/index.js';
import { KMeans } from '../cluster/kmeans.js';
import { classTfidfKeywords, type TopicKeyword } from './c-tfidf.js';

/** Options of {@link findTopics}. */
export interface TopicOptions {
  /** Number of topics. Default: round(√(n / 2)), at least 2 and at most 100. */
  k?: number;
  /** Keywords per topic. Default 10. */
  keywords?: number;
  /**
   * Documents whose cosine similarity to their topic's centroid is below this are outliers
   * (label -1). Default 0: every document keeps its topic.
   */
  minSimilarity?: number;
  /** Leave English stop words out of the keywords. Default true. */
  removeStopWords?: boolean;
  seed?: number;
  threads?: number;
  signal?: AbortSignal;
}

/** One topic: its id (the cluster), size, keywords and the documents closest to its centre. */
export interface Topic {
  id: number;
  size: number;
  keywords: TopicKeyword[];
  /** Indices of up to 3 documents nearest the topic centre. */
  representatives: number[];
}

/** What {@link findTopics} returns. */
export interface TopicResult {
  topics: Topic[];
  /** Topic of each document, -1 for outliers. */
  labels: Int32Array;
  outliers: number;
  seconds: number;
}

/**
 * Topic discovery the BERTopic way without its memory traps: documents' embeddings (unit rows,
 * from any text encoder) are clustered with k-means (Lloyd in the WASM kernel), each cluster is
 * named by its class-based TF-IDF keywords, and documents far from every centre can be marked as
 * outliers. Memory is O(n · dim) for the embeddings plus one term map per topic: no document ×
 * topic or document × document matrix, so 100k+ documents fit where BERTopic's reduce_outliers
 * (a dense documents × topics c-TF-IDF similarity) runs out of RAM.
 */
export async function findTopics(texts: readonly string[], embeddings: Matrix, options: TopicOptions = {}): Promise<TopicResult> {
  const t0 = performance.now();
  const n = texts.length;
  if (n === 0) throw new UsageError('topics: no documents');
  if (embeddings.rows !== n) throw new UsageError(`topics: ${n} documents but ${embeddings.rows} embedding rows`);
  const k = options.k ?? Math.max(2, Math.min(100, Math.round(Math.sqrt(n / 2))));
  if (k > n) throw new UsageError(`topics: k = ${k} is larger than the number of documents (${n})`);
  // unit rows so that Euclidean k-means is spherical (cosine) k-means
  const { dim } = embeddings;
  const unit = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += embeddings.data[i * dim + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = embeddings.data[i * dim + d] * inv;
  }
  const fit = await new KMeans({ k, seed: options.seed, threads: options.threads, signal: options.signal }).fit({
    rows: n,
    dim,
    data: unit,
  });
  const labels = fit.labels.slice();
  const c = fit.centroids.data;
  const cnorm = Float64Array.from({ length: k }, (_, j) => Math.sqrt(c.subarray(j * dim, (j + 1) * dim).reduce((a, v) => a + v * v, 0)));
  const similarity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += unit[i * dim + d] * c[j * dim + d];
    similarity[i] = cnorm[j] > 0 ? dot / cnorm[j] : 0;
  }
  let outliers = 0;
  const minSimilarity = options.minSimilarity ?? 0;
  if (minSimilarity > 0)
    for (let i = 0; i < n; i++)
      if (similarity[i] < minSimilarity) {
        labels[i] = -1;
        outliers++;
      }
  const stopWords = options.removeStopWords === false ? new Set<string>() : new Set(STOP_WORD_LISTS.en);
  const keywords = classTfidfKeywords(texts, labels, k, { top: options.keywords ?? 10, stopWords });
  const members = Array.from({ length: k }, () => [] as number[]);
  for (let i = 0; i < n; i++) if (labels[i] >= 0) members[labels[i]].push(i);
  const topics = members
    .map((m, id) => ({
      id,
      size: m.length,
      keywords: keywords[id],
      representatives: [...m].sort((a, b) => similarity[b] - similarity[a] || a - b).slice(0, 3),
    }))
    .filter((t) => t.size > 0)
    .sort((a, b) => b.size - a.size || a.id - b.id);
  return { topics, labels, outliers, seconds: (performance.now() - t0) / 1000 };
}
