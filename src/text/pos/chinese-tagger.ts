import { checkJiebaInstalled, loadJieba } from '../segment/jieba.js';
import { jiebaTagToUniversal } from './jieba-tags.js';
import type { TaggedToken } from './tagged-token.js';

/** Appends jieba's words of `text` with their tags (jieba's, and mapped to Universal POS) to `out`; whitespace left out. */
export function tagChineseInto(text: string, out: TaggedToken[]): void {
  for (const { word, tag } of loadJieba('Chinese part-of-speech tagging').tag(text, true)) {
    if (word.trim().length === 0) continue;
    out.push({ token: word, pos: jiebaTagToUniversal(tag, word), tag });
  }
}

/** Throws MissingPackageError if jieba (Chinese tagging) is not installed (loads nothing). */
export function checkChineseTaggerInstalled(): void {
  checkJiebaInstalled('Chinese part-of-speech tagging');
}
