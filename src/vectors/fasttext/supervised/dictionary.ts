import { FileFormatError } from '../../../errors.js';
import type { FastTextDictionary } from '../../../io/fasttext/model-data.js';
import type { LineScan } from './scan-lines.js';

/**
 * The dictionary of scanned labelled lines in fastText's order: words by decreasing count, then
 * labels by decreasing count (ties by code-unit order, so the order is deterministic); `</s>` is a
 * word (it ends every line). Words below `minCount` and labels below `minCountLabel` are dropped.
 */
export function buildDictionary(
  scan: LineScan,
  o: { label: string; minCount: number; minCountLabel: number },
  source: string,
): FastTextDictionary {
  const words: number[] = [];
  const labels: number[] = [];
  const counts = scan.counts;
  scan.tokens.forEach((t, id) => {
    if (t.startsWith(o.label)) {
      if (counts[id] >= o.minCountLabel) labels.push(id);
    } else if (counts[id] >= o.minCount) words.push(id);
  });
  const order = (a: number, b: number) =>
    counts[b] - counts[a] || (scan.tokens[a] < scan.tokens[b] ? -1 : scan.tokens[a] > scan.tokens[b] ? 1 : 0);
  words.sort(order);
  labels.sort(order);
  if (labels.length === 0)
    throw new FileFormatError(source, `no labels: every example needs at least one label starting with '${o.label}'`);
  const all = [...words, ...labels];
  return {
    words: all.map((id) => scan.tokens[id]),
    counts: Float64Array.from(all, (id) => counts[id]),
    nwords: words.length,
    nlabels: labels.length,
    ntokens: scan.ntokens,
    pruneIndex: undefined,
  };
}
