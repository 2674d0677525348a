/** An n × n sparse matrix in compressed rows; the columns of each row ascend. */
export interface Csr {
  n: number;
  rowptr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

/**
 * The symmetric matrix S with S_ij = combine(A_ij, A_ji) from a directed kNN matrix A given as
 * per-row lists (n × k ids and values; a missing entry counts as 0, a repeated id keeps its largest
 * value); entries that combine to 0 are dropped. t-SNE uses (a + b) / 2n (van der Maaten 2014),
 * UMAP the fuzzy union a + b − a·b (McInnes et al. 2018, §3.1). O(nnz): Aᵀ by a counting pass.
 */
export function symmetrize(n: number, k: number, ids: Int32Array, vals: Float32Array, combine: (a: number, b: number) => number): Csr {
  // A in compressed rows, columns sorted, repeats merged
  const aptr = new Int32Array(n + 1);
  const acols = new Int32Array(n * k);
  const avals = new Float32Array(n * k);
  const order = new Int32Array(k);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) order[j] = j;
    const base = i * k;
    order.sort((x, y) => ids[base + x] - ids[base + y]);
    for (let j = 0; j < k; j++) {
      const c = ids[base + order[j]];
      const v = vals[base + order[j]];
      if (c === i) continue;
      if (nnz > aptr[i] && acols[nnz - 1] === c) avals[nnz - 1] = Math.max(avals[nnz - 1], v);
      else {
        acols[nnz] = c;
        avals[nnz++] = v;
      }
    }
    aptr[i + 1] = nnz;
  }
  // Aᵀ: rows filled in ascending source order, so their columns ascend too
  const tptr = new Int32Array(n + 1);
  for (let e = 0; e < nnz; e++) tptr[acols[e] + 1]++;
  for (let i = 0; i < n; i++) tptr[i + 1] += tptr[i];
  const fill = tptr.slice(0, n);
  const tcols = new Int32Array(nnz);
  const tvals = new Float32Array(nnz);
  for (let i = 0; i < n; i++) {
    for (let e = aptr[i]; e < aptr[i + 1]; e++) {
      const at = fill[acols[e]]++;
      tcols[at] = i;
      tvals[at] = avals[e];
    }
  }
  // merge row i of A and of Aᵀ
  const rowptr = new Int32Array(n + 1);
  const cols = new Int32Array(2 * nnz);
  const out = new Float32Array(2 * nnz);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let p = aptr[i];
    let q = tptr[i];
    const pe = aptr[i + 1];
    const qe = tptr[i + 1];
    while (p < pe || q < qe) {
      let c: number;
      let a = 0;
      let b = 0;
      if (q >= qe || (p < pe && acols[p] < tcols[q])) {
        c = acols[p];
        a = avals[p++];
      } else if (p >= pe || tcols[q] < acols[p]) {
        c = tcols[q];
        b = tvals[q++];
      } else {
        c = acols[p];
        a = avals[p++];
        b = tvals[q++];
      }
      const v = combine(a, b);
      if (v > 0) {
        cols[m] = c;
        out[m++] = v;
      }
    }
    rowptr[i + 1] = m;
  }
  return { n, rowptr, cols: cols.slice(0, m), vals: out.slice(0, m) };
}
