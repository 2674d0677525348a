import type { Matrix } from '../../math/matrix.js';
import { KMeans } from '../../tasks/cluster/kmeans.js';

/** The points' categories for `plot --color-by cluster`, and the legend's heading. */
export interface ClusterColors {
  groups: string[];
  legendTitle: string;
  k: number;
}

/**
 * k-means (seeded) on the original vectors — not on the projection, which distorts distances — and
 * per point the name of its cluster: clusters numbered by size (1 = largest) and, when the points
 * have words, named after their first three words (the most frequent in a frequency-sorted model).
 */
export async function clusterColors(
  x: Matrix,
  names: readonly string[] | undefined,
  k: number,
  seed: number,
  signal?: AbortSignal,
): Promise<ClusterColors> {
  const kk = Math.min(k, x.rows);
  const { labels } = await new KMeans({ k: kk, seed, signal }).fit(x);
  const sizes = new Array<number>(kk).fill(0);
  for (const l of labels) sizes[l]++;
  const bySize = sizes.map((_, c) => c).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const rank = new Int32Array(kk);
  bySize.forEach((c, r) => (rank[c] = r + 1));
  const examples: string[][] = Array.from({ length: kk }, () => []);
  if (names)
    labels.forEach((c, p) => {
      if (examples[c].length < 3) examples[c].push(names[p]);
    });
  const title = (c: number) => (names ? `${rank[c]} · ${examples[c].join(', ')}` : `cluster ${rank[c]}`);
  const nameOf = Array.from({ length: kk }, (_, c) => title(c));
  return { groups: Array.from(labels, (c) => nameOf[c]), legendTitle: `k-means cluster (k = ${kk})`, k: kk };
}
