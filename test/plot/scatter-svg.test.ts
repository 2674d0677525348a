import { describe, expect, it } from 'vitest';
import { boxesOverlap } from '../../src/plot/box.js';
import { renderScatter } from '../../src/plot/scatter-svg.js';
import { UsageError } from '../../src/errors.js';
import { Random } from '../../src/learn/random.js';
import { parseSvg } from './svg-xml.js';

/** Three Gaussian clumps in 2-D with a word per point and its clump as the category. */
function clumps(n: number, seed: number) {
  const rng = new Random(seed);
  const coords = new Float32Array(2 * n);
  const words: string[] = [];
  const groups: string[] = [];
  const names = ['animals', 'cities & towns', 'verbs <past>'];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    coords[2 * i] = c * 4 + rng.gaussian();
    coords[2 * i + 1] = (c === 1 ? 3 : 0) + rng.gaussian();
    words.push(`word${i}`);
    groups.push(names[c]);
  }
  return { coords, words, groups };
}

describe('renderScatter', () => {
  const { coords, words, groups } = clumps(300, 3);
  const result = renderScatter(coords, 300, 2, {
    title: 'PCA of 300 words',
    subtitle: 'seed 0',
    labels: words,
    groups,
    legendTitle: 'topic',
  });

  it('writes well-formed SVG with the points, the title, the labels and the legend inside', () => {
    const svg = parseSvg(result.svg);
    expect(svg.root).toBe('{http://www.w3.org/2000/svg}svg');
    expect([svg.width, svg.height]).toEqual(['1000', '750']);
    expect(svg.circles).toBe(300);
    expect(svg.title).toEqual(['PCA of 300 words', 'seed 0', expect.stringMatching(/^\d+ of 300 points labelled/)]);
    expect(svg.labels).toEqual(result.labels.map((l) => l.text));
    expect(svg.labels).toContain('word0');
    expect(svg.labels.length).toBeGreaterThan(120);
    // markup characters in names come through escaped and read back intact
    expect(svg.legend).toEqual(['topic', 'animals 100', 'cities & towns 100', 'verbs <past> 100']);
    expect(result.legend.map((c) => c.color)).toEqual(['#4e79a7', '#f28e2b', '#e15759']);
  });

  it('keeps label boxes apart and inside the image', () => {
    const boxes = result.labels.map((l) => l.box);
    for (let i = 0; i < boxes.length; i++) {
      expect(boxes[i].x0).toBeGreaterThanOrEqual(0);
      expect(boxes[i].x1).toBeLessThanOrEqual(1000);
      for (let j = i + 1; j < boxes.length; j++) expect(boxesOverlap(boxes[i], boxes[j])).toBe(false);
    }
    expect(result.labels.length + result.droppedLabels.length).toBe(300);
  });

  it('gives the same bytes for the same input', () => {
    const again = renderScatter(coords, 300, 2, {
      title: 'PCA of 300 words',
      subtitle: 'seed 0',
      labels: words,
      groups,
      legendTitle: 'topic',
    });
    expect(again.svg).toBe(result.svg);
  });

  it('draws plain points without labels or categories, and odd characters safely', () => {
    const plain = renderScatter(Float64Array.of(0, 0, 1, 1, 2, 0.5), 3, 2);
    expect(parseSvg(plain.svg).circles).toBe(3);
    expect(plain.legend).toEqual([]);
    const odd = renderScatter(Float64Array.of(0, 0, 1, 1), 2, 2, { labels: ['a\u0001b', '"x"&<y>'], title: '猫と犬' });
    const parsed = parseSvg(odd.svg);
    expect(parsed.labels.sort()).toEqual(['"x"&<y>', 'a\ufffdb']);
    expect(parsed.title[0]).toBe('猫と犬');
  });

  it('handles one point and points on a line', () => {
    expect(parseSvg(renderScatter(Float64Array.of(5, 5), 1, 2, { labels: ['only'] }).svg).labels).toEqual(['only']);
    const line = renderScatter(Float64Array.of(0, 1, 0, 2, 0, 3), 3, 2, { labels: ['a', 'b', 'c'] });
    expect(line.labels).toHaveLength(3);
  });

  it('gives more categories than colours one grey entry', () => {
    const n = 40;
    const many = Array.from({ length: n }, (_, i) => (i < 38 ? `g${i % 19}` : undefined));
    const r = renderScatter(
      Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i)),
      n,
      2,
      { groups: many },
    );
    expect(r.legend).toHaveLength(19);
    expect(r.legend[18]).toMatchObject({ name: '1 more label, no label', color: '#a5a5a5', count: 4, other: true });
  });

  it('rejects bad input with a clear message', () => {
    expect(() => renderScatter(new Float32Array(0), 0, 2)).toThrow(UsageError);
    expect(() => renderScatter(Float32Array.of(0, NaN), 1, 2)).toThrow('coordinate 1 of point 0 is not a finite number');
    expect(() => renderScatter(Float32Array.of(0, 0), 1, 2, { labels: ['a', 'b'] })).toThrow('2 labels for 1 points');
    expect(() => renderScatter(Float32Array.of(0, 0), 1, 2, { width: 50 })).toThrow(/width must be/);
  });
});
