/**
 * Decimal text ⇄ float32 conversion for the text vector formats, working on bytes (no per-number
 * strings in the hot path). Semantics match numpy/gensim and C `strtod` followed by a float cast:
 * a decimal is rounded to the nearest double, then to the nearest float32.
 */

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number(`1e${i}`));

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const digitBuf = new Uint8Array(12);

function writeAscii(text: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/** Shortest `toPrecision` output that reads back as `a`; for values outside the fast path's range. */
function slowShortest(a: number): string {
  for (let p = 1; p < 9; p++) {
    const s = a.toPrecision(p);
    if (Math.fround(Number(s)) === a) return s;
  }
  return a.toPrecision(9);
}

/** `round(a × 10^k)` computed in double precision (k in −22…22). */
function scaled(a: number, k: number): number {
  return k >= 0 ? Math.round(a * POW10[k]) : Math.round(a / POW10[-k]);
}

/** The double nearest to `m × 10^−k` (exact: `m` < 2^53 and 10^|k| are exact doubles, one rounding). */
function unscaled(m: number, k: number): number {
  return k >= 0 ? m / POW10[k] : m * POW10[-k];
}

/** Longest output of {@link writeFloat32}, in bytes. */
export const MAX_FLOAT32_TEXT_BYTES = 16;

/**
 * Writes the float32 `value` as ASCII decimal into `out` at `pos` and returns the position after it.
 * The text is the shortest (or near-shortest) decimal that reads back as exactly the same float32;
 * -0 is written `-0`, NaN `nan`, infinities `inf` / `-inf` (the spellings numpy and C `strtod` accept).
 * `out` must have {@link MAX_FLOAT32_TEXT_BYTES} bytes free at `pos`.
 */
export function writeFloat32(value: number, out: Uint8Array, pos: number): number {
  value = Math.fround(value);
  if (value === 0) {
    if (Object.is(value, -0)) out[pos++] = 45;
    out[pos++] = 48;
    return pos;
  }
  if (value !== value) return writeAscii('nan', out, pos);
  let a = value;
  if (value < 0) {
    out[pos++] = 45;
    a = -value;
  }
  if (a === Infinity) return writeAscii('inf', out, pos);
  f32[0] = a;
  // Decimal exponent estimated from the binary one (may be one too small; corrected below).
  let e = Math.floor((((u32[0] >>> 23) & 255) - 127) * 0.3010299956639812);
  if (e < -13 || e > 13) return writeAscii(slowShortest(a), out, pos);
  let k = 8 - e;
  let m = scaled(a, k);
  if (m >= 1e9) {
    e++;
    k--;
    m = scaled(a, k);
  } else if (m < 1e8) {
    e--;
    k++;
    m = scaled(a, k);
  }
  // Fewest digits (6…9; fewer come out as trailing zeros) that read back as `a`. Reading back is
  // monotonic in the digit count, so two probes suffice: 7, then 6 or 8.
  let nd = 9;
  const q7 = Math.round(m / 100);
  if (Math.fround(unscaled(q7, k - 2)) === a) {
    const q6 = Math.round(m / 1000);
    if (Math.fround(unscaled(q6, k - 3)) === a) {
      m = q6;
      nd = 6;
    } else {
      m = q7;
      nd = 7;
    }
  } else {
    const q8 = Math.round(m / 10);
    if (Math.fround(unscaled(q8, k - 1)) === a) {
      m = q8;
      nd = 8;
    } else if (Math.fround(unscaled(m, k)) !== a) return writeAscii(slowShortest(a), out, pos);
  }
  if (m >= POW10[nd]) return writeAscii(slowShortest(a), out, pos); // rounding carried into a new digit
  let mi = m | 0;
  for (let i = nd - 1; i >= 0; i--) {
    const q = (mi / 10) | 0;
    digitBuf[i] = 48 + (mi - q * 10);
    mi = q;
  }
  let n = nd;
  while (n > 1 && digitBuf[n - 1] === 48) n--;
  if (e < -5 || e >= 9) {
    out[pos++] = digitBuf[0];
    if (n > 1) {
      out[pos++] = 46;
      for (let i = 1; i < n; i++) out[pos++] = digitBuf[i];
    }
    out[pos++] = 101;
    let ee = e;
    if (ee < 0) {
      out[pos++] = 45;
      ee = -ee;
    }
    if (ee >= 10) out[pos++] = 48 + ((ee / 10) | 0);
    out[pos++] = 48 + (ee % 10);
  } else if (e < 0) {
    out[pos++] = 48;
    out[pos++] = 46;
    for (let i = -1; i > e; i--) out[pos++] = 48;
    for (let i = 0; i < n; i++) out[pos++] = digitBuf[i];
  } else {
    for (let i = 0; i <= e; i++) out[pos++] = i < n ? digitBuf[i] : 48;
    if (e + 1 < n) {
      out[pos++] = 46;
      for (let i = e + 1; i < n; i++) out[pos++] = digitBuf[i];
    }
  }
  return pos;
}

/** The float32 `value` as the shortest decimal text that reads back as the same float32 (what the text writers write). */
export function formatFloat32(value: number): string {
  const buf = new Uint8Array(MAX_FLOAT32_TEXT_BYTES);
  return Buffer.from(buf.buffer, 0, writeFloat32(value, buf, 0)).toString('latin1');
}

/** Cursor of {@link scanFloat}: where the token ended, and whether it was a valid number. */
export interface ScanState {
  pos: number;
  ok: boolean;
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 9;
}

function lowerAscii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] | 0x20);
  return s;
}

/**
 * Reads one decimal number token starting at `start` in `bytes` (the token ends at a space, tab or
 * `end`). Returns its value rounded to float32 semantics' intermediate double (store it in a
 * Float32Array to finish the rounding) and sets `state.pos` to the end of the token and `state.ok`
 * to whether the token was a number: `[+-]digits[.digits][e[+-]digits]`, or `nan`, `inf`,
 * `infinity` in any case.
 */
export function scanFloat(bytes: Uint8Array, start: number, end: number, state: ScanState): number {
  let i = start;
  let negative = false;
  let c = bytes[i];
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = bytes[++i];
  }
  const afterSign = i;
  // All digits go into `mantissa`; it is exact while there are at most 15 of them (< 2^53).
  let mantissa = 0;
  let digits: number;
  let fraction = 0;
  while (i < end) {
    const d = c - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    c = bytes[++i];
  }
  digits = i - afterSign;
  if (i < end && c === 46) {
    c = bytes[++i];
    const fractionStart = i;
    while (i < end) {
      const d = c - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      c = bytes[++i];
    }
    fraction = i - fractionStart;
    digits += fraction;
  }
  if (digits === 0) {
    // Not a decimal: nan / inf / infinity, or garbage.
    let j = afterSign;
    while (j < end && !isSeparator(bytes[j])) j++;
    state.pos = j;
    const word = j - afterSign <= 8 ? lowerAscii(bytes, afterSign, j) : '';
    state.ok = word === 'nan' || word === 'inf' || word === 'infinity';
    if (!state.ok) return NaN;
    if (word === 'nan') return NaN;
    return negative ? -Infinity : Infinity;
  }
  let exponent = 0;
  if (i < end && (c === 101 || c === 69)) {
    c = bytes[++i];
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = bytes[++i];
    }
    let expDigits = 0;
    while (i < end && c >= 48 && c <= 57) {
      if (exponent < 100000) exponent = exponent * 10 + (c - 48);
      expDigits++;
      c = bytes[++i];
    }
    if (expDigits === 0) {
      state.ok = false;
      while (i < end && !isSeparator(bytes[i])) i++;
      state.pos = i;
      return NaN;
    }
    if (expNegative) exponent = -exponent;
  }
  if (i < end && !isSeparator(c)) {
    state.ok = false;
    while (i < end && !isSeparator(bytes[i])) i++;
    state.pos = i;
    return NaN;
  }
  state.pos = i;
  state.ok = true;
  const power = exponent - fraction;
  if (digits <= 15 && power >= -22 && power <= 22) {
    // Clinger's fast path: mantissa (< 10^15) and 10^|power| are exact doubles, so one IEEE
    // multiplication or division gives the correctly rounded value of the decimal.
    const value = power >= 0 ? mantissa * POW10[power] : mantissa / POW10[-power];
    return negative ? -value : value;
  }
  // Long or extreme numbers: let the engine's correctly rounded conversion read the (validated) text.
  return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('latin1'));
}
