import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../src/evaluate/classification-metrics.js';
import { formatClassificationReport } from '../../src/evaluate/report-table.js';
import { UsageError } from '../../src/errors.js';

describe('classificationReport', () => {
  // by hand: confusion a:[1,1,0] b:[0,2,0] c:[1,0,0]
  // a: P 1/2 R 1/2 F1 1/2 · b: P 2/3 R 1 F1 0.8 · c: 0 · macro (0.5+0.8)/3 · accuracy = micro = 3/5
  const truth = ['a', 'a', 'b', 'b', 'c'];
  const pred = ['a', 'b', 'b', 'b', 'a'];

  it('matches hand-computed scores', () => {
    const r = classificationReport(truth, pred);
    expect(r.labels).toEqual(['a', 'b', 'c']);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    expect(r.microF1).toBeCloseTo(0.6, 12);
    expect(r.macroF1).toBeCloseTo(1.3 / 3, 12);
    expect(r.perClass[1]).toEqual({ label: 'b', precision: 2 / 3, recall: 1, f1: expect.closeTo(0.8, 12) as number, support: 2 });
    expect(r.perClass[2].f1).toBe(0);
  });

  it('prints a table with every class and the confusion matrix', () => {
    const text = formatClassificationReport(classificationReport(truth, pred));
    expect(text).toMatch(/^class\s+precision\s+recall\s+f1\s+support$/m);
    expect(text).toMatch(/^b\s+0\.6667\s+1\.0000\s+0\.8000\s+2$/m);
    expect(text).toMatch(/^macro F1\s+0\.4333\s+5$/m);
    expect(text).toMatch(/^c\s+1\s+0\s+0$/m);
  });

  it('rejects empty and mismatched inputs', () => {
    expect(() => classificationReport([], [])).toThrow(UsageError);
    expect(() => classificationReport(['a'], ['a', 'b'])).toThrow(/1 true labels but 2 predictions/);
    expect(() => classificationReport(['a'], ['z'], ['a'])).toThrow(/'z' is not among/);
  });
});
