import { UsageError } from '../../errors.js';
import type { Encoder } from '../../encode/types.js';
import { SemanticSearch, type SearchResult } from '../search/semantic-search.js';
import type { FusionOptions } from '../search/fusion.js';

/** Options of {@link matchTexts}. */
export interface MatchOptions {
  /** Candidates returned per query. Default 1. */
  k?: number;
  /**
   * 'dense' (bi-encoder, default) or a hybrid re-ranking with BM25 ('rrf' or 'convex' fusion of the
   * bi-encoder's ranking with a lexical one), which helps with names, codes and rare words.
   */
  mode?: Exclude<FusionOptions['mode'], 'latent'>;
  /** Minimum score to report a match (dense: cosine). Default none. */
  minScore?: number;
}

/**
 * Matches each query to its best candidates (FAQ answering: questions → known questions or answers;
 * entity matching): the candidates are embedded once into an exact in-memory index, each query
 * is embedded and searched. Results are per query, best first; ids are candidate row numbers.
 */
export async function matchTexts(
  encoder: Encoder,
  queries: readonly string[],
  candidates: readonly string[],
  options: MatchOptions = {},
): Promise<SearchResult[][]> {
  if (candidates.length === 0) throw new UsageError('no candidates to match against');
  if (queries.length === 0) throw new UsageError('no queries to match');
  if (encoder.modality !== 'text') throw new UsageError(`matchTexts needs a text encoder, '${encoder.name}' is ${encoder.modality}`);
  const k = options.k ?? 1;
  // no latent (LSA) side: candidates are short texts, and the modes keep their two-sided meaning
  const search = new SemanticSearch(encoder, {
    indexType: 'flat',
    chunk: { maxWords: 0 },
    fusion: { mode: options.mode ?? 'dense' },
    latent: false,
  });
  await search.add(candidates.map((text, i) => ({ id: i, text })));
  const emb = await encoder.embed(queries, { normalize: true });
  if (emb.errors.length > 0) throw new UsageError(`query ${emb.errors[0].index}: ${emb.errors[0].message}`);
  const out: SearchResult[][] = [];
  for (let i = 0; i < queries.length; i++) {
    const hits = await search.query({ text: queries[i], vector: emb.data.slice(i * emb.dim, (i + 1) * emb.dim) }, { k });
    out.push(options.minScore === undefined ? hits : hits.filter((h) => h.score >= options.minScore!));
  }
  return out;
}
