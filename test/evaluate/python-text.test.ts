import { describe, expect, it } from 'vitest';
import { pyFloat, pySplit, pyStrip, splitLines } from '../../src/evaluate/python-text.js';

describe('Python string rules', () => {
  it('split and strip on Python whitespace', () => {
    expect(pySplit('  a\tb \u00a0c\u3000d\x1ce \n')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pySplit(' \t ')).toEqual([]);
    expect(pyStrip('\u2003x y\u2003')).toBe('x y');
    expect(pySplit('a\ufeffb')).toEqual(['a\ufeffb']); // U+FEFF is not whitespace to Python
  });

  it('float() accepts exactly what Python accepts', () => {
    const ok: [string, number][] = [
      ['1_0', 10],
      [' 7.5\n', 7.5],
      ['+.5', 0.5],
      ['5.', 5],
      ['-InFinity', -Infinity],
      ['.5e-1_0', 5e-11],
      ['1E3', 1000],
    ];
    for (const [s, v] of ok) expect(pyFloat(s)).toBe(v);
    expect(pyFloat('nan')).toBeNaN();
    for (const s of ['1__0', '_1', '1_', '1e', 'e5', '0x10', '', '1.5.2', 'in f', '.', '1 2']) expect(pyFloat(s)).toBeUndefined();
  });

  it('splits lines at \\n, \\r\\n and \\r', () => {
    expect(splitLines('a\r\nb\rc\n\nd')).toEqual(['a', 'b', 'c', '', 'd']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('')).toEqual([]);
  });
});
