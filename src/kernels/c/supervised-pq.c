// Product quantization of fastText matrices (Jégou et al. 2011, as fastText's ProductQuantizer):
// each sub-space of `d` columns gets 256 centroids by k-means, and a row is stored as one byte per
// sub-space, the index of its nearest centroid. Used by `quantize` (src/vectors/fasttext/supervised/
// quantize.ts), which lays out the matrix, the sampled points and the scratch in memory.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"

#define KSUB 256

// Uniform in [0, 1).
static inline double rng_unit(uint64_t* s) { return (double)(xs64_next(s) >> 11) * (1.0 / 9007199254740992.0); }

// The nearest centroid of the point `x` (d floats) among the 256 of `ct`, stored transposed
// (d × 256); ties go to the lower index, as fastText's assign_centroid.
static inline uint8_t nearest(const float* x, const float* ct, int32_t d) {
  v128_t best = wasm_f32x4_splat(3.4e38f);
  v128_t best_i = wasm_i32x4_splat(0);
  v128_t idx = wasm_i32x4_make(0, 1, 2, 3);
  const v128_t four = wasm_i32x4_splat(4);
  for (int32_t k = 0; k < KSUB; k += 4) {
    v128_t acc = wasm_f32x4_splat(0.f);
    for (int32_t j = 0; j < d; j++) {
      const v128_t diff = wasm_f32x4_sub(wasm_f32x4_splat(x[j]), wasm_v128_load(ct + j * KSUB + k));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(diff, diff));
    }
    const v128_t lt = wasm_f32x4_lt(acc, best);
    best = wasm_v128_bitselect(acc, best, lt);
    best_i = wasm_v128_bitselect(idx, best_i, lt);
    idx = wasm_i32x4_add(idx, four);
  }
  float bd = wasm_f32x4_extract_lane(best, 0);
  int32_t bi = wasm_i32x4_extract_lane(best_i, 0);
  float l[3] = {wasm_f32x4_extract_lane(best, 1), wasm_f32x4_extract_lane(best, 2), wasm_f32x4_extract_lane(best, 3)};
  int32_t li[3] = {wasm_i32x4_extract_lane(best_i, 1), wasm_i32x4_extract_lane(best_i, 2), wasm_i32x4_extract_lane(best_i, 3)};
  for (int q = 0; q < 3; q++) {
    if (l[q] < bd || (l[q] == bd && li[q] < bi)) {
      bd = l[q];
      bi = li[q];
    }
  }
  return (uint8_t)bi;
}

static void transpose(const float* c, int32_t d, float* ct) {
  for (int32_t k = 0; k < KSUB; k++)
    for (int32_t j = 0; j < d; j++) ct[j * KSUB + k] = c[k * d + j];
}

// Codes of `n` rows (`stride` floats apart, columns off .. off + d) against centroids `c` (256 × d):
// codes[i × cstride].
__attribute__((export_name("pq_assign")))
void pq_assign(const float* x, int32_t n, int32_t stride, int32_t off, int32_t d, const float* c, uint8_t* codes,
               int32_t cstride, float* ct) {
  transpose(c, d, ct);
  for (int32_t i = 0; i < n; i++) codes[(int64_t)i * cstride] = nearest(x + (int64_t)i * stride + off, ct, d);
}

// fastText's ProductQuantizer::MStep: centroids = means of their points; an empty centroid takes a
// copy of a populous one (picked at random, weighted by size) and both move apart by ±eps.
static void mstep(const float* x, int32_t n, int32_t d, float* c, const uint8_t* codes, int32_t* nelts, uint64_t* rng) {
  for (int32_t k = 0; k < KSUB; k++) nelts[k] = 0;
  for (int32_t i = 0; i < KSUB * d; i++) c[i] = 0.f;
  for (int32_t i = 0; i < n; i++) {
    float* ci = c + codes[i] * d;
    for (int32_t j = 0; j < d; j++) ci[j] += x[(int64_t)i * d + j];
    nelts[codes[i]]++;
  }
  for (int32_t k = 0; k < KSUB; k++) {
    if (nelts[k] == 0) continue;
    const float z = (float)nelts[k];
    for (int32_t j = 0; j < d; j++) c[k * d + j] /= z;
  }
  for (int32_t k = 0; k < KSUB; k++) {
    if (nelts[k] != 0) continue;
    int32_t m = 0;
    while (rng_unit(rng) * (double)(n - KSUB) >= (double)(nelts[m] - 1)) m = (m + 1) % KSUB;
    for (int32_t j = 0; j < d; j++) {
      const float sign = (float)((j % 2) * 2 - 1);
      c[k * d + j] = c[m * d + j] + sign * 1e-7f;
      c[m * d + j] -= sign * 1e-7f;
    }
    nelts[k] = nelts[m] / 2;
    nelts[m] -= nelts[k];
  }
}

// k-means on the `n` points of `x` (n × d, contiguous; n >= 256), starting from the first 256
// points (the caller shuffles them), `niter` rounds of assignment and update (fastText's kmeans).
// Scratch: codes n bytes, nelts 256 ints, ct 256 × d floats; `rng` a xorshift64* state.
__attribute__((export_name("pq_kmeans")))
void pq_kmeans(const float* x, int32_t n, int32_t d, float* c, uint8_t* codes, int32_t* nelts, float* ct, uint64_t* rng,
               int32_t niter) {
  for (int32_t i = 0; i < KSUB * d; i++) c[i] = x[i];
  for (int32_t it = 0; it < niter; it++) {
    pq_assign(x, n, d, 0, d, c, codes, 1, ct);
    mstep(x, n, d, c, codes, nelts, rng);
  }
}
