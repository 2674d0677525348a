/**
 * A parser for the subset of Python literal syntax found in `.npy` headers: dicts, tuples, lists,
 * strings, integers (with the `L` suffix Python 2 wrote), True, False and None.
 */

/** A Python tuple (kept apart from lists so `shape` can be checked to be a tuple, as numpy does). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A parsed Python literal: dicts become Maps (string keys only), lists arrays, tuples {@link PyTuple}. */
export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | Map<string, PyValue>;

/** A syntax error in a Python literal, with the character position where it was found. */
export class PyLiteralError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at character ${position}`);
  }
}

/** Deepest nesting accepted (numpy's headers nest a few levels; a corrupt one must not exhaust the stack). */
export const MAX_PY_LITERAL_DEPTH = 100;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new PyLiteralError(reason, this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end');
    if (c === '{' || c === '(' || c === '[') {
      if (++this.depth > MAX_PY_LITERAL_DEPTH) this.fail(`nested deeper than ${MAX_PY_LITERAL_DEPTH} levels`);
      const value = c === '{' ? this.dict() : this.sequence(c === '(' ? ')' : ']');
      this.depth--;
      return value;
    }
    if (c === "'" || c === '"') return this.string(c);
    if (/[-+0-9]/.test(c)) return this.integer();
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.pos += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    return this.fail(`unexpected ${JSON.stringify(word ?? c)}`);
  }

  /** Items up to `close`; a parenthesised single item without a comma is that item, as in Python. */
  sequence(close: ')' | ']'): PyValue {
    this.pos++;
    const items: PyValue[] = [];
    let comma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      if (items.length > 0 && !comma) this.fail(`expected ',' or '${close}'`);
      items.push(this.value());
      this.skipSpace();
      comma = this.text[this.pos] === ',';
      if (comma) this.pos++;
    }
    this.pos++;
    if (close === ']') return items;
    return items.length === 1 && !comma ? items[0] : new PyTuple(items);
  }

  dict(): Map<string, PyValue> {
    this.pos++;
    const map = new Map<string, PyValue>();
    let comma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      if (map.size > 0 && !comma) this.fail("expected ',' or '}'");
      const keyAt = this.pos;
      const key = this.value();
      if (typeof key !== 'string') throw new PyLiteralError('dict keys must be strings', keyAt);
      if (map.has(key)) throw new PyLiteralError(`duplicate key '${key}'`, keyAt);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      map.set(key, this.value());
      this.skipSpace();
      comma = this.text[this.pos] === ',';
      if (comma) this.pos++;
    }
    this.pos++;
    return map;
  }

  string(quote: string): string {
    let out = '';
    for (let p = this.pos + 1; p < this.text.length; p++) {
      const c = this.text[p];
      if (c === quote) {
        this.pos = p + 1;
        return out;
      }
      if (c === '\n') break;
      if (c === '\\') {
        const next = this.text[++p];
        if (next === undefined || !(next in ESCAPES)) {
          this.pos = p;
          this.fail('unsupported escape in string');
        }
        out += ESCAPES[next];
      } else {
        out += c;
      }
    }
    return this.fail('unterminated string');
  }

  integer(): number {
    const match = /^[-+]?\d+[lL]?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected an integer');
    const digits = match[0].replace(/[lL]$/, '');
    const next = this.text[this.pos + match[0].length];
    if (next === '.' || next === 'e' || next === 'E') this.fail('expected an integer, found a float');
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) this.fail(`integer ${digits} is too large`);
    this.pos += match[0].length;
    return value;
  }

  /** The whole text as one value, with nothing but whitespace after it. */
  parseAll(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the literal');
    return value;
  }
}

/** Parses `text` as one Python literal. Throws {@link PyLiteralError} on a syntax error. */
export function parsePyLiteral(text: string): PyValue {
  return new Parser(text).parseAll();
}

/** `value` written back as Python source (for error messages): `(3, 4)`, `[('a', '<f4')]`, `True`. */
export function formatPyLiteral(value: PyValue): string {
  if (value instanceof PyTuple) return `(${value.items.map(formatPyLiteral).join(', ')}${value.items.length === 1 ? ',' : ''})`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${formatPyLiteral(k)}: ${formatPyLiteral(v)}`).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map(formatPyLiteral).join(', ')}]`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return value === null ? 'None' : value === true ? 'True' : value === false ? 'False' : String(value);
}
