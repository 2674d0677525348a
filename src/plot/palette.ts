/**
 * Categorical colours. Tableau 10 (Maureen Stone's 2016 redesign, also d3's schemeTableau10 and
 * Observable Plot's "tableau10"): distinct hues of similar weight, readable on white. Past nine
 * categories, Tableau 20 (the same hues in a dark and a light step). Their greys are left out: grey
 * means "other" (categories past the palette, unlabelled points), so Tableau 10 gives nine colours
 * here and Tableau 20 eighteen.
 */
export const TABLEAU_10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'] as const;

const TABLEAU_20 = [
  '#4e79a7',
  '#a0cbe8',
  '#f28e2b',
  '#ffbe7d',
  '#59a14f',
  '#8cd17d',
  '#b6992d',
  '#f1ce63',
  '#499894',
  '#86bcb6',
  '#e15759',
  '#ff9d9a',
  '#d37295',
  '#fabfd2',
  '#b07aa1',
  '#d4a6c8',
  '#9d7660',
  '#d7b5a6',
] as const;

/** Colour of points without a category of their own (unlabelled, or merged into "other"). */
export const OTHER_COLOR = '#a5a5a5';

/** Colour of every point when the plot has no categories. */
export const SINGLE_COLOR = '#4e79a7';

/** Most categories that get a colour of their own; the rest share {@link OTHER_COLOR}. */
export const MAX_COLORS = TABLEAU_20.length;

/** `count` distinct categorical colours (count ≤ {@link MAX_COLORS}). */
export function categoricalColors(count: number): string[] {
  if (count > MAX_COLORS) throw new RangeError(`at most ${MAX_COLORS} categorical colours, asked for ${count}`);
  return count <= TABLEAU_10.length ? TABLEAU_10.slice(0, count) : TABLEAU_20.slice(0, count);
}

/**
 * A darker shade of `hex` for text in that colour: each channel scaled to `factor`, enough for the
 * light hues (yellow, pink) to reach a readable contrast on white.
 */
export function darken(hex: string, factor = 0.62): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) =>
    Math.round(((n >> shift) & 255) * factor)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}
