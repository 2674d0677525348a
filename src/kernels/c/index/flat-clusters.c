// Clustering kernels of the flat index: the k-means assignment step, each query's nearest
// centroid (to group a batch's queries), and the bound terms of the clusters and their rows.
#include "flat.h"
#include "store.h"

// ------------------------------------------------------------------------------ clustering
// Nearest centroid (squared L2) of each of n rows given by slot, among `nlist` centroids at `cent`
// (k-means assignment step of the flat index's clustering): argmin |c|² − 2 x·c, four rows at a
// time so each centroid is read once per four rows. `csq` receives the centroids' |c|².
__attribute__((export_name("flat_assign")))
void flat_assign(const Store* x, const int32_t* slots, int32_t n, const float* cent, int32_t nlist, float* csq, int32_t* out) {
  const int st = x->stride;
  for (int j = 0; j < nlist; j++) csq[j] = f_dot(cent + (int64_t)j * st, cent + (int64_t)j * st, st);
  for (int32_t i0 = 0; i0 < n; i0 += 4) {
    const int m = n - i0 < 4 ? n - i0 : 4;
    const float* v[4];
    for (int b = 0; b < 4; b++) v[b] = x->vectors + (int64_t)slots[i0 + (b < m ? b : 0)] * st;
    float best[4] = {3.4e38f, 3.4e38f, 3.4e38f, 3.4e38f};
    int32_t arg[4] = {0, 0, 0, 0};
    for (int j = 0; j < nlist; j++) {
      const float* c = cent + (int64_t)j * st;
      v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
      for (int d = 0; d < st; d += 4) {
        const v128_t cv = wasm_v128_load(c + d);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(cv, wasm_v128_load(v[0] + d)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(cv, wasm_v128_load(v[1] + d)));
        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(cv, wasm_v128_load(v[2] + d)));
        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(cv, wasm_v128_load(v[3] + d)));
      }
      const float dots[4] = {hsum(a0), hsum(a1), hsum(a2), hsum(a3)};
      for (int b = 0; b < 4; b++) {
        const float dd = csq[j] - 2.f * dots[b];
        if (dd < best[b]) {
          best[b] = dd;
          arg[b] = j;
        }
      }
    }
    for (int b = 0; b < m; b++) out[i0 + b] = arg[b];
  }
}

// Nearest centroid of each query (normalised first for cosine): the flat search groups queries by
// it so that a block's queries want the same clusters.
__attribute__((export_name("flat_query_clusters")))
void flat_query_clusters(const Store* x, const Clusters* cl, Scratch* s, const float* queries, int32_t nq, int32_t* out) {
  const int st = x->stride;
  float* q = s->qbuf;
  for (int32_t i = 0; i < nq; i++) {
    load_query(x, (const float*)((const uint8_t*)queries + i * row_bytes(x)), q);
    float best = 3.4e38f;
    int32_t arg = 0;
    for (int j = 0; j < cl->nlist; j++) {
      const float d = cl->cl_norm[j] * cl->cl_norm[j] - 2.f * f_dot(q, cl->cent + (int64_t)j * st, st);
      if (d < best) {
        best = d;
        arg = j;
      }
    }
    out[i] = arg;
  }
}

// Resets the per-cluster bound terms (|c|, radius, max c·e, min |x|²) before flat_cluster_rows.
__attribute__((export_name("flat_cluster_reset")))
void flat_cluster_reset(const Store* x, Clusters* cl) {
  for (int j = 0; j < cl->nlist; j++) {
    const float* c = cl->cent + (int64_t)j * x->stride;
    cl->cl_norm[j] = __builtin_sqrtf(f_dot(c, c, x->stride));
    cl->cl_r[j] = 0.f;
    cl->cl_maxce[j] = -3.4e38f;
    cl->cl_minsq[j] = 3.4e38f;
  }
}

// Bound terms of rows first..first+n-1 that lie in the clustered range: |x − c| and c·(x − c)
// against their cluster's centroid (rounded up), and the cluster's radius, max c·e and min |x|²
// (only ever loosened, so a row rewritten in place keeps every bound valid). Needs sqnorm.
__attribute__((export_name("flat_cluster_rows")))
void flat_cluster_rows(const Store* x, Clusters* cl, int32_t first, int32_t n) {
  const int st = x->stride;
  for (int32_t r = first; r < first + n && r < cl->clustered_end; r++) {
    int lo = 0, hi = cl->nlist - 1;  // the cluster j with cl_start[j] <= r < cl_start[j + 1]
    while (lo < hi) {
      const int mid = (lo + hi + 1) >> 1;
      if (cl->cl_start[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    const float* c = cl->cent + (int64_t)lo * st;
    const float* v = x->vectors + (int64_t)r * st;
    double e2 = 0.0, ce = 0.0;
    for (int d = 0; d < st; d++) {
      const double e = (double)v[d] - c[d];
      e2 += e * e;
      ce += (double)c[d] * e;
    }
    const float e = (float)(__builtin_sqrt(e2) * 1.0001 + 1e-7);
    const float xl = __builtin_sqrtf(x->sqnorm[r]);
    const float cev = (float)ce + 1e-5f * cl->cl_norm[lo] * (xl + cl->cl_norm[lo]) + 1e-7f;
    cl->row_e[r] = e;
    cl->row_ce[r] = cev;
    if (e > cl->cl_r[lo]) cl->cl_r[lo] = e;
    if (cev > cl->cl_maxce[lo]) cl->cl_maxce[lo] = cev;
    if (x->sqnorm[r] < cl->cl_minsq[lo]) cl->cl_minsq[lo] = x->sqnorm[r];
  }
}
