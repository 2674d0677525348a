import { categoricalColors, MAX_COLORS, OTHER_COLOR } from './palette.js';

/** One legend entry: a category, its colour and how many points it has. */
export interface Category {
  name: string;
  color: string;
  count: number;
  /** The grey entry of unlabelled points and of the categories past the palette. */
  other: boolean;
}

/** Points' categories: the legend entries, and per point the index of its entry. */
export interface Categories {
  list: Category[];
  ofPoint: Int32Array;
}

/** How {@link assignCategories} orders the legend. */
export type CategoryOrder = 'appearance' | 'size';

/**
 * Colours for the category of each point (`undefined`: the point has none). The largest
 * {@link MAX_COLORS} categories get a colour each; the others and the points without a category
 * share one grey entry, last in the legend. The coloured entries come in order of first appearance
 * or by size (largest first; ties by appearance).
 */
export function assignCategories(groups: readonly (string | undefined)[], order: CategoryOrder = 'appearance'): Categories {
  const index = new Map<string, number>();
  const counts: number[] = [];
  const names: string[] = [];
  let none = 0;
  for (const g of groups) {
    if (g === undefined) {
      none++;
      continue;
    }
    let i = index.get(g);
    if (i === undefined) {
      i = names.length;
      index.set(g, i);
      names.push(g);
      counts.push(0);
    }
    counts[i]++;
  }
  const bySize = names.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
  const kept = new Set(bySize.slice(0, MAX_COLORS));
  const shown = (order === 'size' ? bySize : names.map((_, i) => i)).filter((i) => kept.has(i));
  const colors = categoricalColors(shown.length);
  const list: Category[] = shown.map((i, c) => ({ name: names[i], color: colors[c], count: counts[i], other: false }));
  const entryOf = new Int32Array(names.length).fill(-1);
  shown.forEach((i, c) => (entryOf[i] = c));
  const overflow = names.length - shown.length;
  const otherCount = none + bySize.slice(MAX_COLORS).reduce((s, i) => s + counts[i], 0);
  if (otherCount > 0) {
    const name = overflow === 0 ? 'no label' : `${overflow} more label${overflow === 1 ? '' : 's'}${none > 0 ? ', no label' : ''}`;
    list.push({ name, color: OTHER_COLOR, count: otherCount, other: true });
  }
  const otherEntry = list.length - 1;
  const ofPoint = new Int32Array(groups.length);
  groups.forEach((g, p) => {
    const e = g === undefined ? -1 : entryOf[index.get(g)!];
    ofPoint[p] = e >= 0 ? e : otherEntry;
  });
  return { list, ofPoint };
}
