import { FileFormatError, throwIfAborted, UsageError } from '../../errors.js';
import { FileCorpus } from '../../text/file-corpus.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';

/** One training document: its tags (one or more; a tag shared by documents gets one vector) and its words. */
export interface TaggedDocument {
  tags: readonly string[];
  words: readonly string[];
}

/** A document given to the trainer: already tokenized (`words`) or as `text` for the model's tokenizer. */
export type DocumentInput = TaggedDocument | { tags: readonly string[]; text: string };

/**
 * How a document file is laid out, one document per line (blank lines are skipped):
 * - 'lines': plain text; a document's tag is its number among the documents of all files, from 0
 *   ("0", "1", …), as gensim's TaggedLineDocument;
 * - 'tagged': `TAGS<TAB>TEXT`, TAGS one or more tags separated by spaces;
 * - 'jsonl': JSON Lines `{"tags": ["a", "b"], "text": "…"}` (or `"words": [...]`, already tokenized).
 * 'auto' (default): 'jsonl' for files named *.jsonl or *.jsonl.gz, else 'lines'.
 */
export type DocumentFormat = 'lines' | 'tagged' | 'jsonl';

/** Options of {@link readTaggedDocuments}. */
export interface ReadDocumentsOptions {
  format?: DocumentFormat | 'auto';
  signal?: AbortSignal;
}

/** Longest document line read whole (UTF-8 bytes); FileCorpus cuts longer lines. */
const MAX_DOCUMENT_LINE_BYTES = 1 << 26;

/** The format of `file` under 'auto'. */
export function documentFormatOf(file: string, format: DocumentFormat | 'auto' = 'auto'): DocumentFormat {
  if (format !== 'auto') return format;
  return /\.jsonl(\.gz)?$/i.test(file) ? 'jsonl' : 'lines';
}

/**
 * Reads tagged documents from text files (plain or gzip; globs expanded), tokenizing with
 * `tokenizer`. Every problem is a FileFormatError naming the file and line: a line without a tab or
 * without tags ('tagged'), invalid JSON or a missing/ill-typed "tags" or "text" ('jsonl'), a
 * document with tags but no words (tagged formats).
 */
export async function readTaggedDocuments(
  patterns: string | readonly string[],
  tokenizer: TextTokenizer,
  options: ReadDocumentsOptions = {},
): Promise<TaggedDocument[]> {
  const all = await FileCorpus.open(patterns);
  const docs: TaggedDocument[] = [];
  for (const file of all.files) {
    const format = documentFormatOf(file, options.format);
    const corpus = await FileCorpus.open(file, { maxLineBytes: MAX_DOCUMENT_LINE_BYTES });
    let line = 0;
    for await (const batch of corpus.lineBatches({ signal: options.signal })) {
      throwIfAborted(options.signal);
      for (const text of batch) {
        line++;
        if (text.trim() === '') continue;
        docs.push(parseDocumentLine(text, format, tokenizer, file, line, docs.length));
      }
    }
  }
  if (docs.length === 0) throw new FileFormatError(all.files.join(', '), 'no documents (every line is blank)');
  return docs;
}

/** One non-blank line of a document file as a TaggedDocument (see {@link DocumentFormat}). */
export function parseDocumentLine(
  text: string,
  format: DocumentFormat,
  tokenizer: TextTokenizer,
  file: string,
  line: number,
  ordinal: number,
): TaggedDocument {
  const bad = (problem: string) => new FileFormatError(file, `line ${line}: ${problem}`);
  if (format === 'lines') return { tags: [String(ordinal)], words: tokenizer.tokenize(text) };
  let tags: string[];
  let words: readonly string[];
  if (format === 'tagged') {
    const tab = text.indexOf('\t');
    if (tab < 0) throw bad('no tab: expected TAGS<TAB>TEXT');
    tags = text
      .slice(0, tab)
      .split(' ')
      .filter((t) => t !== '');
    if (tags.length === 0) throw bad('no tags before the tab');
    words = tokenizer.tokenize(text.slice(tab + 1));
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw bad(`invalid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw bad('expected a JSON object {"tags": [...], "text": "..."}');
    const o = value as { tags?: unknown; text?: unknown; words?: unknown };
    if (o.tags === undefined) throw bad('missing "tags"');
    if (!Array.isArray(o.tags) || o.tags.length === 0 || !o.tags.every((t) => typeof t === 'string' || typeof t === 'number'))
      throw bad('"tags" must be a non-empty array of strings or numbers');
    tags = o.tags.map(String);
    if (typeof o.text === 'string') words = tokenizer.tokenize(o.text);
    else if (Array.isArray(o.words) && o.words.every((w) => typeof w === 'string')) words = o.words as string[];
    else throw bad('expected "text" (a string) or "words" (an array of strings)');
  }
  if (words.length === 0) throw bad(`empty document: tags ${tags.join(' ')} but no words`);
  return { tags, words };
}

/** Checks one API input document and tokenizes `text` ones; UsageError naming the document. */
export function toTaggedDocument(doc: DocumentInput, index: number, tokenizer: TextTokenizer): TaggedDocument {
  const where = `document ${index}`;
  if (doc === null || typeof doc !== 'object') throw new UsageError(`${where} must be an object { tags, words } or { tags, text }`);
  const { tags } = doc;
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string'))
    throw new UsageError(`${where}: tags must be a non-empty array of strings`);
  let words: readonly string[];
  if ('words' in doc && Array.isArray(doc.words)) {
    if (!doc.words.every((w) => typeof w === 'string')) throw new UsageError(`${where}: words must be strings`);
    words = doc.words;
  } else if ('text' in doc && typeof doc.text === 'string') words = tokenizer.tokenize(doc.text);
  else throw new UsageError(`${where}: needs words (an array of strings) or text (a string)`);
  if (words.length === 0) throw new UsageError(`${where} (tags ${tags.join(' ')}) has no words`);
  return { tags, words };
}
