// Parts of the t-SNE gradient shared by the sampled (project.c) and the Barnes-Hut (tsne-bh.c)
// kernels: the exact attraction over the sparse P and scikit-learn's gradient step.
#ifndef EMBEDKIT_TSNE_COMMON_H
#define EMBEDKIT_TSNE_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include "simd.h"

// Coordinate c of the rows at p0..p3 in the lanes of one vector (WebAssembly has no gather).
static inline v128_t gather4(const float* p0, const float* p1, const float* p2, const float* p3, int c) {
  return wasm_f32x4_make(p0[c], p1[c], p2[c], p3[c]);
}

// attr_i = Σ_j p_ij·w_ij·(y_i − y_j) over row i of the sparse symmetric P (CSR: rowptr, cols, pv),
// w = 1 / (1 + ‖y_i − y_j‖²), written to at[0..dims). Four edges per step in the SIMD lanes.
static inline void tsne_attraction_row(const float* Y, int dims, int i, const int32_t* rowptr, const int32_t* cols,
                                       const float* pv, float* at) {
  const v128_t one = wasm_f32x4_splat(1.f);
  const int three = dims == 3;
  const float* yi = Y + (size_t)i * dims;
  const v128_t x0 = wasm_f32x4_splat(yi[0]), x1 = wasm_f32x4_splat(yi[1]), x2 = wasm_f32x4_splat(three ? yi[2] : 0.f);
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0;
  int e = rowptr[i];
  const int last = rowptr[i + 1];
  for (; e + 4 <= last; e += 4) {
    const float* p0 = Y + (size_t)cols[e] * dims;
    const float* p1 = Y + (size_t)cols[e + 1] * dims;
    const float* p2 = Y + (size_t)cols[e + 2] * dims;
    const float* p3 = Y + (size_t)cols[e + 3] * dims;
    const v128_t d0 = wasm_f32x4_sub(x0, gather4(p0, p1, p2, p3, 0));
    const v128_t d1 = wasm_f32x4_sub(x1, gather4(p0, p1, p2, p3, 1));
    v128_t q = wasm_f32x4_add(one, wasm_f32x4_add(wasm_f32x4_mul(d0, d0), wasm_f32x4_mul(d1, d1)));
    v128_t d2 = wasm_f32x4_splat(0.f);
    if (three) {
      d2 = wasm_f32x4_sub(x2, gather4(p0, p1, p2, p3, 2));
      q = wasm_f32x4_add(q, wasm_f32x4_mul(d2, d2));
    }
    const v128_t pw = wasm_f32x4_div(wasm_v128_load(pv + e), q);
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(pw, d0));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(pw, d1));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(pw, d2));
  }
  float a0 = hsum(s0), a1 = hsum(s1), a2 = hsum(s2);
  for (; e < last; e++) {
    const float* yj = Y + (size_t)cols[e] * dims;
    const float d0 = yi[0] - yj[0], d1 = yi[1] - yj[1], d2 = three ? yi[2] - yj[2] : 0.f;
    const float pw = pv[e] / (1.f + d0 * d0 + d1 * d1 + d2 * d2);
    a0 += pw * d0;
    a1 += pw * d1;
    a2 += pw * d2;
  }
  at[0] = a0;
  at[1] = a1;
  if (three) at[2] = a2;
}

// Gradient step of t-SNE for rows [begin, end) with scikit-learn's _gradient_descent rule: the
// gradient g = 4·(exaggeration·attr − rep·repScale); per-coordinate gains grow by 0.2 where g
// changes sign against the last update and shrink by 0.8 otherwise (Jacobs 1988; floor minGain);
// update = momentum·update − lr·gains·g; y += update. Returns Σ g² (convergence report).
static inline double tsne_step_rows(float* Y, int dims, int begin, int end, const float* attr, const float* rep, float exaggeration,
                                    float repScale, float* gains, float* update, float momentum, float lr, float minGain) {
  double norm = 0;
  for (int i = begin * dims; i < end * dims; i++) {
    const float g = 4.f * (exaggeration * attr[i] - repScale * rep[i]);
    float gain = gains[i];
    gain = (update[i] * g < 0.f) ? gain + 0.2f : gain * 0.8f;
    if (gain < minGain) gain = minGain;
    gains[i] = gain;
    const float u = momentum * update[i] - lr * gain * g;
    update[i] = u;
    Y[i] += u;
    norm += (double)g * g;
  }
  return norm;
}
#endif
