import { UsageError } from '../../errors.js';

/** How long documents are cut into passages before embedding. */
export interface ChunkOptions {
  /** Words per chunk; 0 = never cut. Default 200. */
  maxWords?: number;
  /** Words repeated at the start of the next chunk. Default min(40, maxWords / 5). */
  overlap?: number;
}

/** Checked {@link ChunkOptions} with defaults. */
export function chunkSettings(o: ChunkOptions = {}): Required<ChunkOptions> {
  const maxWords = o.maxWords ?? 200;
  const overlap = o.overlap ?? Math.min(40, Math.floor(maxWords / 5));
  if (!Number.isInteger(maxWords) || maxWords < 0) throw new UsageError(`chunk maxWords must be an integer ≥ 0, got ${maxWords}`);
  if (!Number.isInteger(overlap) || overlap < 0 || (maxWords > 0 && overlap >= maxWords))
    throw new UsageError(`chunk overlap must be an integer in [0, maxWords), got ${overlap}`);
  return { maxWords, overlap };
}

/**
 * Cuts `text` into windows of at most `maxWords` whitespace-separated words, each starting
 * `maxWords − overlap` words after the previous one; a window ends early at a sentence end when one
 * falls in its last quarter, so passages rarely stop mid-sentence. An empty text gives one empty chunk.
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const { maxWords, overlap } = chunkSettings(options);
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  if (maxWords === 0 || words.length <= maxWords) return [words.join(' ')];
  const chunks: string[] = [];
  let start = 0;
  while (start < words.length) {
    let end = Math.min(words.length, start + maxWords);
    if (end < words.length) {
      for (let e = end; e > start + Math.floor((maxWords * 3) / 4); e--) {
        if (/[.!?]["')\]]?$/u.test(words[e - 1])) {
          end = e;
          break;
        }
      }
    }
    chunks.push(words.slice(start, end).join(' '));
    if (end >= words.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return chunks;
}
