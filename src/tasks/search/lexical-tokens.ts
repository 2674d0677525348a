import { ENGLISH_STOP_WORDS } from '../../text/stopwords/index.js';

const STOP = new Set(ENGLISH_STOP_WORDS);
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_'-]*/gu;

/**
 * Terms of a text for BM25: lower-cased letter/digit runs (NFKC), English stop words dropped, and a
 * light plural strip ("indexes" → "index", "files" → "file") so a title and its body meet more often.
 */
export function lexicalTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    let t = m[0].replace(/['-]+$/u, '');
    if (t.length === 0 || STOP.has(t)) continue;
    if (t.length > 4 && t.endsWith('ies')) t = `${t.slice(0, -3)}y`;
    else if (t.length > 4 && /(?:sh|ch|x|ss)es$/u.test(t)) t = t.slice(0, -2);
    else if (t.length > 3 && t.endsWith('s') && !/(?:ss|us|is)$/u.test(t)) t = t.slice(0, -1);
    out.push(t);
  }
  return out;
}
