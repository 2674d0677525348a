/** A node of fastText's Huffman tree over labels (leaves 0..n-1, inner nodes n..2n-2). */
export interface TreeNode {
  parent: number;
  left: number;
  right: number;
  count: number;
  binary: boolean;
}

/**
 * fastText's HierarchicalSoftmaxLoss::buildTree: counts sorted by decreasing frequency (the
 * dictionary's order), merged two smallest at a time with the two-queue method.
 */
export function buildLabelTree(counts: ArrayLike<number>): TreeNode[] {
  const n = counts.length;
  const tree: TreeNode[] = Array.from({ length: Math.max(1, 2 * n - 1) }, () => ({
    parent: -1,
    left: -1,
    right: -1,
    count: 1e15,
    binary: false,
  }));
  for (let i = 0; i < n; i++) tree[i].count = counts[i];
  let leaf = n - 1;
  let node = n;
  for (let i = n; i < 2 * n - 1; i++) {
    const mini = [0, 0];
    for (let j = 0; j < 2; j++) {
      if (leaf >= 0 && tree[leaf].count < tree[node].count) mini[j] = leaf--;
      else mini[j] = node++;
    }
    tree[i].left = mini[0];
    tree[i].right = mini[1];
    tree[i].count = tree[mini[0]].count + tree[mini[1]].count;
    tree[mini[0]].parent = i;
    tree[mini[1]].parent = i;
    tree[mini[1]].binary = true;
  }
  return tree;
}

/** The path of leaf `label`: inner-node rows of the output matrix (node - n) and their codes. */
export function labelPath(tree: readonly TreeNode[], n: number, label: number): { nodes: number[]; codes: boolean[] } {
  const nodes: number[] = [];
  const codes: boolean[] = [];
  let i = label;
  while (tree[i].parent !== -1) {
    nodes.push(tree[i].parent - n);
    codes.push(tree[i].binary);
    i = tree[i].parent;
  }
  return { nodes, codes };
}
