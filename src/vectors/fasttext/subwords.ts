/**
 * Character n-grams of fastText's subword model (Bojanowski et al. 2017, §3.2): a word is wrapped
 * in `<` `>` and every n-gram of `minn`..`maxn` UTF-8 characters is hashed into `bucket` rows with
 * fastText's own hash (Dictionary::hash, Dictionary::computeSubwords), so row ids match Facebook's
 * models exactly.
 */

export const BOW = '<';
export const EOW = '>';
/** fastText's end-of-sentence token (a word of the dictionary; it has no n-grams). */
export const EOS = '</s>';

/**
 * FNV-1a 32-bit over the UTF-8 bytes, each byte sign-extended first (`uint32_t(int8_t(c))`), as
 * fastText does; bytes ≥ 0x80 therefore differ from plain FNV-1a.
 */
export function fastTextHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) {
    h = (h ^ ((bytes[i] << 24) >> 24)) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** fastTextHash of a string's UTF-8 bytes. */
export function hashWord(word: string): number {
  return fastTextHash(Buffer.from(word, 'utf8'));
}

export interface SubwordSettings {
  minn: number;
  maxn: number;
  bucket: number;
}

/**
 * Calls `emit(bucketId, start, end)` for each character n-gram of `<word>` (byte range in the
 * wrapped word), in fastText's order; single characters at the word's boundaries (`<`, `>`) are
 * skipped, as fastText does.
 */
export function forEachSubword(
  word: string,
  s: SubwordSettings,
  emit: (bucket: number, start: number, end: number, bytes: Uint8Array) => void,
): void {
  if (s.maxn <= 0 || s.bucket <= 0) return;
  const b = Buffer.from(BOW + word + EOW, 'utf8');
  const n = b.length;
  for (let i = 0; i < n; i++) {
    if ((b[i] & 0xc0) === 0x80) continue;
    let j = i;
    for (let len = 1; j < n && len <= s.maxn; len++) {
      j++;
      while (j < n && (b[j] & 0xc0) === 0x80) j++;
      if (len >= s.minn && !(len === 1 && (i === 0 || j === n))) emit(fastTextHash(b, i, j) % s.bucket, i, j, b);
    }
  }
}

/** The bucket ids of `word`'s n-grams (not offset by the vocabulary size). */
export function subwordBuckets(word: string, s: SubwordSettings): number[] {
  const out: number[] = [];
  forEachSubword(word, s, (h) => out.push(h));
  return out;
}

/** The n-grams of `word` as strings with their bucket ids (fastText's `print-ngrams`). */
export function subwordStrings(word: string, s: SubwordSettings): { ngram: string; bucket: number }[] {
  const out: { ngram: string; bucket: number }[] = [];
  forEachSubword(word, s, (bucket, start, end, b) => out.push({ ngram: Buffer.from(b.subarray(start, end)).toString('utf8'), bucket }));
  return out;
}
