import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from '../../../src/io/core/crc32.js';
import { formatFloat32, scanFloat, type ScanState } from '../../../src/io/core/float-text.js';
import { rng } from '../helpers.js';

function scan(text: string): { value: number; ok: boolean; pos: number } {
  const bytes = Buffer.from(text, 'latin1');
  const state: ScanState = { pos: -1, ok: false };
  const value = scanFloat(bytes, 0, bytes.length, state);
  return { value, ok: state.ok, pos: state.pos };
}

describe('float32 text', () => {
  it('writes the shortest decimal for simple values', () => {
    expect(formatFloat32(0)).toBe('0');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatFloat32(1)).toBe('1');
    expect(formatFloat32(-2.5)).toBe('-2.5');
    expect(formatFloat32(0.1)).toBe('0.1');
    expect(formatFloat32(Math.fround(0.3))).toBe('0.3');
    expect(formatFloat32(123456)).toBe('123456');
    expect(formatFloat32(1e-7)).toBe('1e-7');
    expect(formatFloat32(0.00001)).toBe('0.00001');
    expect(formatFloat32(NaN)).toBe('nan');
    expect(formatFloat32(-Infinity)).toBe('-inf');
  });

  it('round-trips every float32 exactly (random bit patterns, edge values)', () => {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const random = rng(42);
    const edge = [
      1.401298464324817e-45,
      1.1754943508222875e-38,
      3.4028234663852886e38,
      1e-45,
      0.1,
      1 / 3,
      2 ** 24,
      2 ** 24 + 2,
      999999.9375,
    ];
    const values: number[] = [...edge, ...edge.map((x) => -x)];
    for (let i = 0; i < 200_000; i++) {
      bits[0] = Math.floor(random() * 2 ** 32);
      if (Number.isFinite(f[0])) values.push(f[0]);
    }
    let failures = 0;
    for (const raw of values) {
      const x = Math.fround(raw);
      const text = formatFloat32(x);
      const viaNumber = Math.fround(Number(text));
      const viaScan = Math.fround(scan(text).value);
      if (!Object.is(viaNumber, x) || !Object.is(viaScan, x) || text.length > 16) {
        failures++;
        if (failures < 5) expect(`${x} → ${text} → ${viaNumber} / ${viaScan}`).toBe(`${x}`);
      }
    }
    expect(failures).toBe(0);
  });

  it('reads decimals like the engine does (correctly rounded double)', () => {
    const random = rng(7);
    const samples = [
      '0.1',
      '-0.000123',
      '1e10',
      '1E-5',
      '+3.25',
      '.5',
      '5.',
      '12345678901234567890',
      '0.30000000000000004441',
      '1.7976931348623157e308',
      '4.9e-324',
      '1e400',
      '-1e-400',
      '123.456e-2',
    ];
    for (let i = 0; i < 20_000; i++)
      samples.push(((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20)).toPrecision(1 + Math.floor(random() * 20)));
    for (const text of samples) {
      const r = scan(text);
      expect(r.ok, text).toBe(true);
      expect(r.pos).toBe(text.length);
      expect(Object.is(r.value, Number(text)), `${text}: ${r.value} vs ${Number(text)}`).toBe(true);
    }
  });

  it('accepts nan/inf spellings and rejects everything else', () => {
    expect(Number.isNaN(scan('NaN').value) && scan('NaN').ok).toBe(true);
    expect(scan('-inf').value).toBe(-Infinity);
    expect(scan('Infinity').value).toBe(Infinity);
    for (const bad of ['abc', '1.2.3', '1e', '1e+', '-', '.', '.inf', '0x10', '1_0', '1,5', '--1', 'nan1', '١']) {
      expect(scan(bad).ok, bad).toBe(false);
    }
  });

  it('stops a token at a space or tab', () => {
    const bytes = Buffer.from('1.5 2\t3');
    const state: ScanState = { pos: 0, ok: false };
    expect(scanFloat(bytes, 0, bytes.length, state)).toBe(1.5);
    expect(state.pos).toBe(3);
    expect(scanFloat(bytes, 4, bytes.length, state)).toBe(2);
    expect(state.pos).toBe(5);
  });
});

describe('crc32', () => {
  it('matches the standard check value and the portable implementation', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
    const random = rng(3);
    const data = Uint8Array.from({ length: 10_000 }, () => Math.floor(random() * 256));
    expect(crc32Portable(data)).toBe(crc32(data));
    expect(crc32(data.subarray(5000), crc32(data.subarray(0, 5000)))).toBe(crc32(data));
    expect(crc32(new Uint8Array(new Float32Array(0).buffer), 123)).toBe(123);
  });
});
