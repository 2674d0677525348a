import { mulberry32 } from '../../math/random.js';

/** Fold number of each item, stratified by label. */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): Int32Array {
  const rnd = mulberry32(seed);
  const byClass = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const items = byClass.get(l);
    if (items) items.push(i);
    else byClass.set(l, [i]);
  });
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const key of [...byClass.keys()].sort()) {
    const items = byClass.get(key) as number[];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    for (const i of items) fold[i] = next++ % k;
  }
  return fold;
}
