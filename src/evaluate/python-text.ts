/**
 * The few Python string rules gensim's evaluation readers depend on, so that embedkit reads the
 * same files the same way: `str.split()` whitespace, `str.strip()`, `float()` and universal newlines.
 */

/** Characters Python's `str.split()` / `str.strip()` treat as whitespace. */
const WS = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${WS}]+`);
const EDGES = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const DIGITS = '\\d(?:_?\\d)*';
const FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, 'i');

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(EDGES, '');
}

/** Python's `s.split()`: runs of whitespace separate fields; no empty fields. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(WS_RUN);
}

/** Python's `float(s)`, or undefined where Python raises ValueError. */
export function pyFloat(s: string): number | undefined {
  const t = pyStrip(s);
  if (!FLOAT.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/^[+]/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(t.replace(/_/g, ''));
}

/** The lines of `text` split at `\n`, `\r\n` or `\r` (Python's universal newlines), without terminators. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
