import { mulberry32 } from '../../src/math/random.js';

/** Word classes of the synthetic corpus: words of one class occur in the same contexts. */
export const CLASSES: Record<string, string[]> = {
  animal: ['cat', 'dog', 'horse', 'cow', 'sheep', 'goat', 'pig', 'mouse'],
  food: ['bread', 'cheese', 'apple', 'rice', 'soup', 'meat', 'fish', 'cake'],
  country: ['france', 'spain', 'italy', 'germany', 'china', 'japan', 'peru', 'chile'],
  color: ['red', 'green', 'blue', 'yellow', 'black', 'white', 'purple', 'orange'],
  verb: ['runs', 'jumps', 'sleeps', 'walks', 'swims', 'sits', 'hides', 'plays'],
};

const TEMPLATES: string[][] = [
  ['the', '$animal', 'eats', 'the', '$food'],
  ['a', '$color', '$animal', '$verb', 'in', '$country'],
  ['people', 'in', '$country', 'like', '$food', 'and', '$food'],
  ['my', '$animal', '$verb', 'near', 'the', '$color', 'house'],
  ['we', 'bought', '$color', '$food', 'from', '$country'],
  ['every', '$animal', 'in', '$country', '$verb', 'quickly'],
];

/** A deterministic corpus of `n` sentences built from the templates above. */
export function syntheticSentences(n: number, seed = 42): string[][] {
  const rnd = mulberry32(seed);
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const t = TEMPLATES[Math.floor(rnd() * TEMPLATES.length)];
    out.push(t.map((w) => (w.startsWith('$') ? pick(CLASSES[w.slice(1)], rnd) : w)));
  }
  return out;
}

function pick<T>(a: T[], rnd: () => number): T {
  return a[Math.floor(rnd() * a.length)];
}

/** Fraction of class words whose nearest other class word (by cosine) is in the same class. */
export function classPurity(get: (w: string) => Float32Array): number {
  const words = Object.entries(CLASSES).flatMap(([c, ws]) => ws.map((w) => ({ w, c })));
  const unit = words.map(({ w }) => {
    const v = get(w);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  let good = 0;
  for (let i = 0; i < words.length; i++) {
    let best = -2;
    let bestJ = -1;
    for (let j = 0; j < words.length; j++) {
      if (j === i) continue;
      let d = 0;
      for (let k = 0; k < unit[i].length; k++) d += unit[i][k] * unit[j][k];
      if (d > best) {
        best = d;
        bestJ = j;
      }
    }
    if (words[bestJ].c === words[i].c) good++;
  }
  return good / words.length;
}
