import { EOS, hashWord } from '../subwords.js';
import type { FastTextModel } from '../fasttext-model.js';

/** fastText's token separators (Dictionary::readWord): space, tab, vertical tab, form feed, CR, NUL. */
export const SEPARATORS = /[ \t\v\f\r\0]+/;

/** Splits one line into tokens as fastText does, with `</s>` appended for the line end. */
export function lineTokens(line: string): string[] {
  const tokens = line.split(SEPARATORS).filter((t) => t.length > 0);
  tokens.push(EOS);
  return tokens;
}

/**
 * The input rows of a line and its label indexes (Dictionary::getLine for supervised models):
 * each known word's row (or its subword rows), the n-gram rows of unknown words, and the hashed
 * word n-grams up to `wordNgrams` (Dictionary::addWordNgrams, 64-bit arithmetic on the
 * sign-extended 32-bit word hashes, as fastText).
 */
export function lineInput(model: FastTextModel, tokens: readonly string[], labelPrefix: string): { rows: number[]; labels: number[] } {
  const d = model.data.dictionary;
  const a = model.data.args;
  const rows: number[] = [];
  const labels: number[] = [];
  const hashes: number[] = [];
  for (const token of tokens) {
    const id = model.entryId(token);
    const isLabel = id >= 0 ? id >= d.nwords : token.startsWith(labelPrefix);
    if (isLabel) {
      if (id >= 0) labels.push(id - d.nwords);
      continue;
    }
    if (id >= 0 && a.maxn <= 0) rows.push(id);
    else rows.push(...model.subwordRows(token));
    hashes.push(hashWord(token) | 0);
  }
  if (a.wordNgrams > 1 && a.bucket > 0) addWordNgrams(model, rows, hashes, a.wordNgrams, a.bucket);
  return { rows, labels };
}

const MUL = 116049371n;
const MASK = (1n << 64n) - 1n;

function addWordNgrams(model: FastTextModel, rows: number[], hashes: readonly number[], n: number, bucket: number): void {
  const b = BigInt(bucket);
  for (let i = 0; i < hashes.length; i++) {
    let h = BigInt.asUintN(64, BigInt(hashes[i]));
    for (let j = i + 1; j < hashes.length && j < i + n; j++) {
      h = (h * MUL + BigInt.asUintN(64, BigInt(hashes[j]))) & MASK;
      const r = model.bucketRow(Number(h % b));
      if (r >= 0) rows.push(r);
    }
  }
}
