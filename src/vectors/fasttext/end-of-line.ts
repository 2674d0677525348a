import type { ScanResult } from '../../text/vocab-scanner.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { EOS } from './subwords.js';

/**
 * The scan's vocabulary with fastText's end-of-line word `</s>` counted once per sentence (fastText's
 * Dictionary::readWord returns `</s>` for every newline, so it is usually the most frequent word),
 * placed by its count as fastText's sorted dictionary does; `remap` follows the new rows. A literal
 * `</s>` token in the text is the same word. Returns the new scan and the row of `</s>`.
 */
export function withEndOfLine(scan: ScanResult): { scan: ScanResult; eos: number } {
  const v = scan.vocabulary;
  const old = v.indexOf(EOS);
  const count = scan.sentences + (old >= 0 ? v.counts[old] : 0);
  // Rows in the new order: the old rows (without a literal `</s>`), `</s>` before the first word counted less.
  const newRow = new Int32Array(v.size).fill(-1);
  const words: string[] = [];
  const counts: number[] = [];
  let eos = -1;
  for (let i = 0; i < v.size; i++) {
    if (i === old) continue;
    if (eos < 0 && v.counts[i] < count) {
      eos = words.length;
      words.push(EOS);
      counts.push(count);
    }
    newRow[i] = words.length;
    words.push(v.words[i]);
    counts.push(v.counts[i]);
  }
  if (eos < 0) {
    eos = words.length;
    words.push(EOS);
    counts.push(count);
  }
  if (old >= 0) newRow[old] = eos;
  const remap = scan.remap.map((r) => (r < 0 ? r : newRow[r]));
  return { scan: { ...scan, vocabulary: new Vocabulary(words, Float64Array.from(counts)), remap }, eos };
}
