/**
 * Dense float32 inner-product kernels: the only place embedkit multiplies vectors for queries and
 * evaluation. Plain TypeScript over Float32Array, accumulating in float64. Kept behind this one
 * module so that WASM SIMD versions can replace them with the same signatures.
 *
 * Matrices are row-major: row `i` of an `rows × dim` matrix `m` is `m[i * dim .. (i + 1) * dim)`.
 */
import { UsageError } from '../errors.js';

/**
 * Inner product of `n` elements of `a` (from `aOffset`) and `b` (from `bOffset`),
 * 4-way unrolled with float64 accumulators.
 */
export function dot(a: Float32Array, b: Float32Array, n: number = a.length, aOffset = 0, bOffset = 0): number {
  if (!(n >= 0 && aOffset >= 0 && bOffset >= 0 && aOffset + n <= a.length && bOffset + n <= b.length)) {
    throw new UsageError(`dot: ${n} elements from offsets ${aOffset}/${bOffset} exceed lengths ${a.length}/${b.length}`);
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = n - (n & 3);
  for (; i < end4; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < n; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

/**
 * Matrix–vector product over a row range: `out[outOffset + r - rowStart] = m_r · x` for
 * `rowStart <= r < rowEnd`, where `m` is row-major with `dim` columns. Four rows at a time.
 */
export function matVec(
  m: Float32Array,
  dim: number,
  rowStart: number,
  rowEnd: number,
  x: Float32Array,
  out: Float32Array,
  outOffset = 0,
): void {
  checkRange('matVec', m, dim, rowStart, rowEnd);
  if (x.length !== dim) throw new UsageError(`matVec: vector has ${x.length} elements, expected ${dim}`);
  if (!(outOffset >= 0 && outOffset + rowEnd - rowStart <= out.length)) {
    throw new UsageError(`matVec: output of ${out.length} floats too short for ${rowEnd - rowStart} rows at offset ${outOffset}`);
  }
  let r = rowStart;
  let o = outOffset;
  for (; r + 4 <= rowEnd; r += 4, o += 4) {
    const b0 = r * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < dim; k++) {
      const xk = x[k];
      s0 += m[b0 + k] * xk;
      s1 += m[b1 + k] * xk;
      s2 += m[b2 + k] * xk;
      s3 += m[b3 + k] * xk;
    }
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
  }
  for (; r < rowEnd; r++, o++) out[o] = dot(m, x, dim, r * dim, 0);
}

/** Rows of `v` per cache tile in {@link matMulT}: about 16 KiB of floats, a multiple of 4. */
function tileRows(dim: number): number {
  return Math.max(4, Math.floor(4096 / dim) & ~3);
}

/** Rows of `q` per cache tile in {@link matMulT}. */
const QUERY_TILE = 64;

/**
 * Blocked matrix–matrix product `scores = Q × Vᵀ` over a row range of `V`:
 * `out[i * (rowEnd - rowStart) + (r - rowStart)] = q_i · v_r` for `0 <= i < nq`,
 * `rowStart <= r < rowEnd`. `q` is `nq × dim`, `v` is row-major with `dim` columns.
 *
 * Cache-blocked (a tile of V rows stays in L1 while a tile of queries streams past it) with a
 * 2 × 4 register micro-kernel (two queries against four V rows, 4-way unrolled over V rows).
 */
export function matMulT(
  q: Float32Array,
  nq: number,
  v: Float32Array,
  rowStart: number,
  rowEnd: number,
  dim: number,
  out: Float32Array,
): void {
  checkRange('matMulT', v, dim, rowStart, rowEnd);
  if (!(Number.isInteger(nq) && nq >= 0 && nq * dim <= q.length)) {
    throw new UsageError(`matMulT: ${nq} queries × ${dim} exceed the query matrix of ${q.length} floats`);
  }
  const nv = rowEnd - rowStart;
  if (nq * nv > out.length) throw new UsageError(`matMulT: output of ${out.length} floats too short for ${nq} × ${nv}`);
  const vt = tileRows(dim);
  for (let v0 = rowStart; v0 < rowEnd; v0 += vt) {
    const v1 = Math.min(v0 + vt, rowEnd);
    for (let q0 = 0; q0 < nq; q0 += QUERY_TILE) {
      const q1 = Math.min(q0 + QUERY_TILE, nq);
      let i = q0;
      for (; i + 2 <= q1; i += 2) tile2(q, i, v, v0, v1, rowStart, dim, out, nv);
      if (i < q1) tile1(q, i, v, v0, v1, rowStart, dim, out, nv);
    }
  }
}

/** Queries `i` and `i + 1` against V rows `[v0, v1)`. */
function tile2(
  q: Float32Array,
  i: number,
  v: Float32Array,
  v0: number,
  v1: number,
  rowStart: number,
  dim: number,
  out: Float32Array,
  nv: number,
): void {
  const qa = i * dim;
  const qb = qa + dim;
  const oa = i * nv - rowStart;
  const ob = oa + nv;
  let r = v0;
  for (; r + 4 <= v1; r += 4) {
    const b0 = r * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    for (let k = 0; k < dim; k++) {
      const x = q[qa + k];
      const y = q[qb + k];
      const w0 = v[b0 + k];
      const w1 = v[b1 + k];
      const w2 = v[b2 + k];
      const w3 = v[b3 + k];
      a0 += x * w0;
      a1 += x * w1;
      a2 += x * w2;
      a3 += x * w3;
      c0 += y * w0;
      c1 += y * w1;
      c2 += y * w2;
      c3 += y * w3;
    }
    out[oa + r] = a0;
    out[oa + r + 1] = a1;
    out[oa + r + 2] = a2;
    out[oa + r + 3] = a3;
    out[ob + r] = c0;
    out[ob + r + 1] = c1;
    out[ob + r + 2] = c2;
    out[ob + r + 3] = c3;
  }
  for (; r < v1; r++) {
    out[oa + r] = dot(q, v, dim, qa, r * dim);
    out[ob + r] = dot(q, v, dim, qb, r * dim);
  }
}

/** Query `i` alone against V rows `[v0, v1)`. */
function tile1(
  q: Float32Array,
  i: number,
  v: Float32Array,
  v0: number,
  v1: number,
  rowStart: number,
  dim: number,
  out: Float32Array,
  nv: number,
): void {
  const qa = i * dim;
  const oa = i * nv - rowStart;
  let r = v0;
  for (; r + 4 <= v1; r += 4) {
    const b0 = r * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let k = 0; k < dim; k++) {
      const x = q[qa + k];
      a0 += x * v[b0 + k];
      a1 += x * v[b1 + k];
      a2 += x * v[b2 + k];
      a3 += x * v[b3 + k];
    }
    out[oa + r] = a0;
    out[oa + r + 1] = a1;
    out[oa + r + 2] = a2;
    out[oa + r + 3] = a3;
  }
  for (; r < v1; r++) out[oa + r] = dot(q, v, dim, qa, r * dim);
}

function checkRange(fn: string, m: Float32Array, dim: number, rowStart: number, rowEnd: number): void {
  if (!(Number.isInteger(dim) && dim > 0)) throw new UsageError(`${fn}: dim must be a positive integer, got ${dim}`);
  if (!(Number.isInteger(rowStart) && Number.isInteger(rowEnd) && 0 <= rowStart && rowStart <= rowEnd && rowEnd * dim <= m.length)) {
    throw new UsageError(`${fn}: rows ${rowStart}..${rowEnd} out of range for a matrix of ${m.length / dim} rows`);
  }
}
