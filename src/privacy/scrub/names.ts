import { readFile } from 'node:fs/promises';
import { FileFormatError, UsageError } from '../../errors.js';
import type { PiiSpan } from './kinds.js';

/** Han, Hiragana, Katakana, Hangul: scripts written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A user-supplied list of names found case-insensitively. Names in alphabetic scripts match whole
 * words only ("Ann" is not found in "Annual"); names in CJK scripts, written without spaces, match
 * wherever they occur. Internal white space matches any run of white space. Longer names are
 * tried first, so "Mary Ann Smith" wins over "Mary".
 */
export class NameList {
  readonly size: number;
  private readonly pattern: RegExp | undefined;

  constructor(names: Iterable<string>) {
    const unique = new Map<string, string>();
    for (const raw of names) {
      const name = raw.trim().replace(/\s+/g, ' ');
      if (name.length > 0) unique.set(name.toLowerCase(), name);
    }
    this.size = unique.size;
    const list = [...unique.values()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    if (list.length === 0) return;
    const alternatives = list.map((name) => {
      const body = escape(name).replace(/ /g, '\\s+');
      const head = CJK.test(name[0]) ? '' : '(?<![\\p{L}\\p{N}\\p{M}_])';
      const tail = CJK.test(name[name.length - 1]) ? '' : '(?![\\p{L}\\p{N}\\p{M}_])';
      return `${head}${body}${tail}`;
    });
    this.pattern = new RegExp(alternatives.join('|'), 'giu');
  }

  /** Reads a names file: one name per line (UTF-8; blank lines and lines starting with # skipped). */
  static async fromFile(file: string): Promise<NameList> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such names file`);
      if (e instanceof TypeError) throw new FileFormatError(file, 'is not UTF-8 text (a names file has one name per line)');
      throw e;
    }
    const names = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    if (names.length === 0) throw new FileFormatError(file, 'holds no names (one name per line)');
    return new NameList(names);
  }

  find(text: string): PiiSpan[] {
    const pattern = this.pattern;
    if (!pattern) return [];
    const out: PiiSpan[] = [];
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      out.push({ kind: 'name', start: m.index, end: m.index + m[0].length, text: m[0] });
    }
    return out;
  }
}
