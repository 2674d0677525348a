import { readFile } from 'node:fs/promises';
import { FileFormatError } from '../errors.js';

/** A word read from a file, with its line number (1-based) for error messages. */
export interface WordLine {
  word: string;
  line: number;
}

async function readLines(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FileFormatError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return text.replace(/^\ufeff/, '').split(/\r?\n/);
}

/**
 * Reads a list of words, one per line (blank lines skipped; in a tab-separated line the first field,
 * so a labels file is a words file too). A repeated word keeps its first line. FileFormatError
 * when the file holds no word.
 */
export async function readWordList(file: string): Promise<WordLine[]> {
  const seen = new Set<string>();
  const out: WordLine[] = [];
  (await readLines(file)).forEach((text, i) => {
    const word = text.split('\t')[0].trim();
    if (word === '' || seen.has(word)) return;
    seen.add(word);
    out.push({ word, line: i + 1 });
  });
  if (out.length === 0) throw new FileFormatError(file, 'holds no words (one word per line expected)');
  return out;
}

/** A labels file read: the label of each word, and the words in file order. */
export interface WordLabels {
  labels: Map<string, string>;
  words: WordLine[];
}

/**
 * Reads `word<TAB>label` lines (blank lines skipped). FileFormatError, naming the line, for a line
 * without a tab or with an empty field, for a word given two different labels, and for a file
 * without any line.
 */
export async function readWordLabels(file: string): Promise<WordLabels> {
  const labels = new Map<string, string>();
  const words: WordLine[] = [];
  (await readLines(file)).forEach((text, i) => {
    if (text.trim() === '') return;
    const tab = text.indexOf('\t');
    const word = tab < 0 ? '' : text.slice(0, tab).trim();
    const label = tab < 0 ? '' : text.slice(tab + 1).trim();
    if (word === '' || label === '') throw new FileFormatError(file, `line ${i + 1}: expected word<TAB>label, got '${text.slice(0, 60)}'`);
    const earlier = labels.get(word);
    if (earlier === undefined) {
      labels.set(word, label);
      words.push({ word, line: i + 1 });
    } else if (earlier !== label) throw new FileFormatError(file, `line ${i + 1}: '${word}' is labelled both '${earlier}' and '${label}'`);
  });
  if (words.length === 0) throw new FileFormatError(file, 'holds no labels (word<TAB>label lines expected)');
  return { labels, words };
}
