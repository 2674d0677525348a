import { EOS, forEachSubword, type SubwordSettings } from './subwords.js';

/** Every vocabulary word's input rows, flattened: word i owns `rows[offsets[i] .. offsets[i+1])`. */
export interface SubwordTable {
  offsets: Int32Array;
  rows: Int32Array;
  /** The most rows any one word has. */
  maxPerWord: number;
}

/** The rows the kernel averages for each word: its own row, then `nwords + bucket` per n-gram (none for `</s>`). */
export function subwordTable(words: readonly string[], s: SubwordSettings): SubwordTable {
  const nwords = words.length;
  const offsets = new Int32Array(nwords + 1);
  let rows = new Int32Array(Math.max(16, nwords * 8));
  let n = 0;
  let maxPerWord = 0;
  const push = (r: number) => {
    if (n === rows.length) {
      const bigger = new Int32Array(rows.length * 2);
      bigger.set(rows);
      rows = bigger;
    }
    rows[n++] = r;
  };
  for (let i = 0; i < nwords; i++) {
    offsets[i] = n;
    push(i);
    if (words[i] !== EOS) forEachSubword(words[i], s, (h) => push(nwords + h)); // fastText: `</s>` has no n-grams
    maxPerWord = Math.max(maxPerWord, n - offsets[i]);
  }
  offsets[nwords] = n;
  return { offsets, rows: rows.slice(0, n), maxPerWord };
}
