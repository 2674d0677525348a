import { EmbedkitError } from '../../errors.js';

/**
 * Huffman coding of the vocabulary for hierarchical softmax (Mikolov et al. 2013, word2vec.c
 * CreateBinaryTree). Words with larger counts get shorter codes. Inner nodes are numbered
 * 0..V-2 (the root is V-2); word w's path is points[codeOffset[w] .. + codeLength[w]] from the root
 * down, and codes[...] the branch bits (1 = the node's higher-count child... as in word2vec.c).
 */
export interface HuffmanTree {
  readonly codeOffset: Int32Array;
  readonly codeLength: Uint8Array;
  readonly codes: Uint8Array;
  readonly points: Int32Array;
}

/** Max code length the kernels accept (stored in a byte). */
export const MAX_CODE_LENGTH = 255;

/**
 * Builds the tree for `counts`, which must be sorted in non-increasing order (as a vocabulary is).
 * O(V) with the two-queue method.
 */
export function buildHuffman(counts: ArrayLike<number>): HuffmanTree {
  const v = counts.length;
  if (v < 2) {
    // One word: an empty code (nothing to predict). Keep the arrays valid.
    return { codeOffset: new Int32Array(v), codeLength: new Uint8Array(v), codes: new Uint8Array(0), points: new Int32Array(0) };
  }
  for (let i = 1; i < v; i++) {
    if (counts[i] > counts[i - 1]) throw new EmbedkitError('Huffman counts must be sorted in non-increasing order');
  }
  // Nodes 0..v-1 are leaves (word order), v..2v-2 inner nodes created in order.
  const count = new Float64Array(2 * v - 1);
  for (let i = 0; i < v; i++) count[i] = counts[i];
  const parent = new Int32Array(2 * v - 1);
  const binary = new Uint8Array(2 * v - 1);
  let pos1 = v - 1; // next unmerged leaf (scanning from the rarest)
  let pos2 = v; // next unmerged inner node
  for (let a = 0; a < v - 1; a++) {
    let min1: number;
    let min2: number;
    if (pos1 >= 0 && (pos2 >= v + a || count[pos1] < count[pos2])) min1 = pos1--;
    else min1 = pos2++;
    if (pos1 >= 0 && (pos2 >= v + a || count[pos1] < count[pos2])) min2 = pos1--;
    else min2 = pos2++;
    count[v + a] = count[min1] + count[min2];
    parent[min1] = v + a;
    parent[min2] = v + a;
    binary[min2] = 1;
  }
  const codeLength = new Uint8Array(v);
  let total = 0;
  for (let w = 0; w < v; w++) {
    let len = 0;
    for (let b = w; b !== 2 * v - 2; b = parent[b]) len++;
    if (len > MAX_CODE_LENGTH) throw new EmbedkitError(`Huffman code of length ${len} exceeds ${MAX_CODE_LENGTH}`);
    codeLength[w] = len;
    total += len;
  }
  const codeOffset = new Int32Array(v);
  const codes = new Uint8Array(total);
  const points = new Int32Array(total);
  let off = 0;
  for (let w = 0; w < v; w++) {
    const len = codeLength[w];
    codeOffset[w] = off;
    // Walk leaf -> root, filling from the end so the stored order is root -> leaf.
    let i = len - 1;
    for (let b = w; b !== 2 * v - 2; b = parent[b]) {
      codes[off + i] = binary[b];
      points[off + i] = parent[b] - v; // inner node id of the node above b
      i--;
    }
    off += len;
  }
  return { codeOffset, codeLength, codes, points };
}
