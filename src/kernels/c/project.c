// Projection kernels (src/project/): the passes of randomized PCA over the rows, the perplexity
// calibration and the gradient of t-SNE on a sparse kNN affinity matrix, and UMAP's SGD epoch.
// Offsets into the shared memory are laid out by src/project/memory.ts. Each thread works on its
// own range of rows (or edges) and its own random stream.
#include <stddef.h>
#include <stdint.h>
#include "rng.h"
#include "simd.h"
#include "tsne-common.h"

// ---- elementary functions (the kernels are built without libc) ----

// e^x: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its degree-7 Taylor polynomial in double, 2^k from
// the exponent bits. Relative error below 1e-9 before the final rounding to float.
static inline double exp_d(double x) {
  if (x < -700.0) return 0.0;
  if (x > 700.0) x = 700.0;
  const double k = __builtin_floor(x * 1.4426950408889634 + 0.5);
  const double r = x - k * 0.6931471805599453;
  const double p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040)))))));
  union {
    double d;
    uint64_t u;
  } two_k = {.u = (uint64_t)((int64_t)k + 1023) << 52};
  return p * two_k.d;
}

// ln x for x > 0: x = m·2^e with m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)) by its series.
static inline double log_d(double x) {
  if (!(x > 0.0)) return -1e300;
  union {
    double d;
    uint64_t u;
  } v = {.d = x};
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m = v.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e++;
  }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  const double t = 2 * s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 / 13))))));
  return t + e * 0.6931471805599453;
}

// x^y for x > 0.
static inline double pow_d(double x, double y) { return exp_d(y * log_d(x)); }

// Uniform integer in [0, n) from rng.h's xorshift64* (the state lives in the shared memory, one
// per thread) with its multiply-shift on the high 32 bits.
static inline int32_t rand_below(uint64_t* s, int32_t n) { return (int32_t)rng_below(xs64_next(s), (uint32_t)n); }

// ---- PCA (randomized subspace iteration, Halko, Martinsson & Tropp 2011, Alg. 4.4) ----

// Adds the column sums of rows [begin, end) of X (n × dp floats) to sums (dp doubles).
__attribute__((export_name("pj_col_sums"))) void pj_col_sums(const float* X, int dp, int begin, int end, double* sums) {
  for (int i = begin; i < end; i++) {
    const float* x = X + (size_t)i * dp;
    for (int t = 0; t < dp; t += 4) {
      const v128_t v = wasm_v128_load(x + t);
      wasm_v128_store(sums + t, wasm_f64x2_add(wasm_v128_load(sums + t), wasm_f64x2_promote_low_f32x4(v)));
      wasm_v128_store(sums + t + 2,
                      wasm_f64x2_add(wasm_v128_load(sums + t + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
    }
  }
}

// Subtracts mean (dp floats) from rows [begin, end); returns the sum of the squared centred values
// (the total variance times n − 1), summed per row in float and across rows in double.
__attribute__((export_name("pj_center"))) double pj_center(float* X, int dp, int begin, int end, const float* mean) {
  double total = 0;
  for (int i = begin; i < end; i++) {
    float* x = X + (size_t)i * dp;
    v128_t s = wasm_f32x4_splat(0.f);
    for (int t = 0; t < dp; t += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_v128_load(x + t), wasm_v128_load(mean + t));
      wasm_v128_store(x + t, c);
      s = wasm_f32x4_add(s, wasm_f32x4_mul(c, c));
    }
    total += hsum(s);
  }
  return total;
}

// Rows between two flushes of the float block into the double sums of pj_power_step.
#define FLUSH_ROWS 64

// One pass of subspace iteration over rows [begin, end): y_i = x_i·V (V is dp × lp, lp a multiple
// of 4) into Y (n × lp), and Z += Σ x_iᵀ·y_i (dp × lp doubles), i.e. Y = X·V and Z = XᵀX·V in a
// single read of X. The outer products gather in `block` (dp × lp floats) and go to Z every
// FLUSH_ROWS rows, so the long sum is in double while the inner loop stays in float SIMD.
__attribute__((export_name("pj_power_step"))) void pj_power_step(const float* X, int dp, int begin, int end, const float* V,
                                                                  int lp, float* Y, double* Z, float* block) {
  for (int j = 0; j < dp * lp; j++) block[j] = 0.f;
  int pending = 0;
  for (int i = begin; i < end; i++) {
    const float* x = X + (size_t)i * dp;
    float* y = Y + (size_t)i * lp;
    for (int c = 0; c < lp; c += 4) wasm_v128_store(y + c, wasm_f32x4_splat(0.f));
    for (int t = 0; t < dp; t++) {
      const v128_t s = wasm_f32x4_splat(x[t]);
      const float* v = V + (size_t)t * lp;
      for (int c = 0; c < lp; c += 4) wasm_v128_store(y + c, wasm_f32x4_add(wasm_v128_load(y + c), wasm_f32x4_mul(s, wasm_v128_load(v + c))));
    }
    for (int t = 0; t < dp; t++) {
      const v128_t s = wasm_f32x4_splat(x[t]);
      float* b = block + (size_t)t * lp;
      for (int c = 0; c < lp; c += 4) wasm_v128_store(b + c, wasm_f32x4_add(wasm_v128_load(b + c), wasm_f32x4_mul(s, wasm_v128_load(y + c))));
    }
    if (++pending == FLUSH_ROWS || i == end - 1) {
      for (int j = 0; j < dp * lp; j++) {
        Z[j] += block[j];
        block[j] = 0.f;
      }
      pending = 0;
    }
  }
}

// ---- t-SNE (van der Maaten 2014: affinities on the k nearest neighbours) ----

// For rows [begin, end): D holds each row's k squared distances to its neighbours (n × k). Finds
// the precision β_i of p_{j|i} ∝ exp(−β_i·d_ij) whose perplexity 2^H equals `perplexity` by
// bisection (as scikit-learn's _binary_search_perplexity: 100 steps, tolerance 1e-5 on H in nats)
// and writes the conditional probabilities to P (n × k). Distances are shifted by the row's
// smallest one first, which leaves p unchanged and keeps exp from underflowing.
__attribute__((export_name("tsne_calibrate"))) void tsne_calibrate(const float* D, int k, int begin, int end, float perplexity,
                                                                    float* P) {
  const double target = log_d(perplexity);
  for (int i = begin; i < end; i++) {
    const float* d = D + (size_t)i * k;
    float* p = P + (size_t)i * k;
    double dmin = d[0];
    for (int j = 1; j < k; j++) dmin = d[j] < dmin ? d[j] : dmin;
    double beta = 1, lo = -1, hi = -1, sum = 0;
    for (int step = 0; step < 100; step++) {
      sum = 0;
      double dsum = 0;
      for (int j = 0; j < k; j++) {
        const double dj = d[j] - dmin;
        const double e = exp_d(-beta * dj);
        p[j] = (float)e;
        sum += e;
        dsum += dj * e;
      }
      if (sum <= 0) sum = 1e-300;
      const double h = log_d(sum) + beta * dsum / sum;
      const double diff = h - target;
      if (diff < 1e-5 && diff > -1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi < 0 ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo < 0 ? beta / 2 : (beta + lo) / 2;
      }
    }
    for (int j = 0; j < k; j++) p[j] = (float)(p[j] / sum);
  }
}

// The two halves of the t-SNE gradient for rows [begin, end) of the embedding Y (n × dims):
//   attr_i = Σ_j p_ij·w_ij·(y_i − y_j) over the sparse symmetric P (CSR: rowptr, cols, pv), exact;
//   rep_i  = Σ_s w_is²·(y_i − y_s) over `negatives` rows s drawn uniformly (s ≠ i),
// with w = 1 / (1 + ‖y_i − y_j‖²). Returns Σ_s w_is over the drawn rows: the caller sums it over
// all rows into S, and the repulsive force F_rep,i = Σ_j w_ij²·(y_i − y_j) / Z is estimated by
// rep_i / S, since Z = Σ_{k≠l} w_kl ≈ (n − 1)/negatives · S (a Monte Carlo estimate of the
// exact gradient's normalisation; the noise averages out through the momentum). Four edges or
// samples per step in the SIMD lanes.
__attribute__((export_name("tsne_forces"))) double tsne_forces(const float* Y, int dims, int n, int begin, int end,
                                                                const int32_t* rowptr, const int32_t* cols, const float* pv,
                                                                int negatives, uint64_t* rng, float* attr, float* rep) {
  const v128_t one = wasm_f32x4_splat(1.f);
  const int three = dims == 3;
  double wsum = 0;
  for (int i = begin; i < end; i++) {
    const float* yi = Y + (size_t)i * dims;
    tsne_attraction_row(Y, dims, i, rowptr, cols, pv, attr + (size_t)i * dims);
    const v128_t x0 = wasm_f32x4_splat(yi[0]), x1 = wasm_f32x4_splat(yi[1]), x2 = wasm_f32x4_splat(three ? yi[2] : 0.f);
    // repulsion: the draws come in groups of four; lanes past `negatives` in the last group get
    // weight 0, so they count neither in rep_i nor in S
    v128_t r0 = wasm_f32x4_splat(0.f), r1 = r0, r2 = r0, ws = r0;
    for (int s = 0; s < negatives; s += 4) {
      int32_t j[4];
      for (int l = 0; l < 4; l++) {
        j[l] = rand_below(rng, n - 1);
        j[l] += j[l] >= i;
      }
      const float* p0 = Y + (size_t)j[0] * dims;
      const float* p1 = Y + (size_t)j[1] * dims;
      const float* p2 = Y + (size_t)j[2] * dims;
      const float* p3 = Y + (size_t)j[3] * dims;
      const v128_t d0 = wasm_f32x4_sub(x0, gather4(p0, p1, p2, p3, 0));
      const v128_t d1 = wasm_f32x4_sub(x1, gather4(p0, p1, p2, p3, 1));
      v128_t q = wasm_f32x4_add(one, wasm_f32x4_add(wasm_f32x4_mul(d0, d0), wasm_f32x4_mul(d1, d1)));
      v128_t d2 = wasm_f32x4_splat(0.f);
      if (three) {
        d2 = wasm_f32x4_sub(x2, gather4(p0, p1, p2, p3, 2));
        q = wasm_f32x4_add(q, wasm_f32x4_mul(d2, d2));
      }
      v128_t w = wasm_f32x4_div(one, q);
      const int left = negatives - s;
      if (left < 4) w = wasm_v128_and(w, wasm_i32x4_make(-1, left > 1 ? -1 : 0, left > 2 ? -1 : 0, 0));
      const v128_t w2 = wasm_f32x4_mul(w, w);
      ws = wasm_f32x4_add(ws, w);
      r0 = wasm_f32x4_add(r0, wasm_f32x4_mul(w2, d0));
      r1 = wasm_f32x4_add(r1, wasm_f32x4_mul(w2, d1));
      r2 = wasm_f32x4_add(r2, wasm_f32x4_mul(w2, d2));
    }
    wsum += hsum(ws);
    float* rp = rep + (size_t)i * dims;
    rp[0] = hsum(r0);
    rp[1] = hsum(r1);
    if (three) rp[2] = hsum(r2);
  }
  return wsum;
}

// Gradient step of t-SNE for rows [begin, end) with scikit-learn's _gradient_descent rule: the
// gradient g = 4·(exaggeration·attr − rep·repScale); per-coordinate gains grow by 0.2 where g
// changes sign against the last update and shrink by 0.8 otherwise (Jacobs 1988; floor minGain);
// update = momentum·update − lr·gains·g; y += update. Returns Σ g² (convergence report).
__attribute__((export_name("tsne_update"))) double tsne_update(float* Y, int dims, int begin, int end, const float* attr,
                                                                const float* rep, float exaggeration, float repScale,
                                                                float* gains, float* update, float momentum, float lr,
                                                                float minGain) {
  return tsne_step_rows(Y, dims, begin, end, attr, rep, exaggeration, repScale, gains, update, momentum, lr, minGain);
}

// ---- UMAP (McInnes, Healy & Melville 2018; umap-learn's optimize_layout_euclidean) ----

static inline float clip4(float g) { return g > 4.f ? 4.f : (g < -4.f ? -4.f : g); }

// One epoch of UMAP's SGD over edges [begin, end) of the fuzzy graph (head → tail, both directions
// listed). An edge is sampled every epochsPerSample[e] epochs; each sample pulls both ends together
// with the attractive gradient of the curve 1/(1 + a·d^(2b)) and pushes the head away from
// (epoch-due) negative samples drawn uniformly, gradients clipped to ±4, step size alpha.
// Returns the number of positive samples taken.
__attribute__((export_name("umap_epoch"))) int umap_epoch(float* Y, int dims, int n, const int32_t* head, const int32_t* tail,
                                                            const float* epochsPerSample, float* nextSample,
                                                            const float* epochsPerNegative, float* nextNegative, int begin, int end,
                                                            int epoch, float a, float b, float gamma, float alpha, uint64_t* rng) {
  const float now = (float)epoch;
  int taken = 0;
  for (int e = begin; e < end; e++) {
    if (nextSample[e] > now) continue;
    taken++;
    const int j = head[e];
    float* cur = Y + (size_t)j * dims;
    float* oth = Y + (size_t)tail[e] * dims;
    float d2 = 0.f;
    for (int t = 0; t < dims; t++) d2 += (cur[t] - oth[t]) * (cur[t] - oth[t]);
    float coeff = 0.f;
    if (d2 > 0.f) {
      const double pb = pow_d(d2, b);
      coeff = (float)(-2.0 * a * b * pb / d2 / (a * pb + 1.0));
    }
    for (int t = 0; t < dims; t++) {
      const float g = clip4(coeff * (cur[t] - oth[t])) * alpha;
      cur[t] += g;
      oth[t] -= g;
    }
    nextSample[e] += epochsPerSample[e];
    // due may be NaN (no negatives: the period is infinite) or negative: then none
    const float due = (now - nextNegative[e]) / epochsPerNegative[e];
    const int negatives = due > 0.f ? (int)due : 0;
    for (int s = 0; s < negatives; s++) {
      const int k = rand_below(rng, n);
      if (k == j) continue;
      const float* other = Y + (size_t)k * dims;
      float q2 = 0.f;
      for (int t = 0; t < dims; t++) q2 += (cur[t] - other[t]) * (cur[t] - other[t]);
      if (q2 > 0.f) {
        const float c = (float)(2.0 * gamma * b / ((0.001 + q2) * (a * pow_d(q2, b) + 1.0)));
        for (int t = 0; t < dims; t++) cur[t] += clip4(c * (cur[t] - other[t])) * alpha;
      } else {
        for (int t = 0; t < dims; t++) cur[t] += 4.f * alpha;
      }
    }
    if (negatives > 0) nextNegative[e] += negatives * epochsPerNegative[e];
  }
  return taken;
}

// `steps` whole t-SNE iterations on one thread (all n rows): forces, then the update with the
// repulsion normalised by the draws' Σw. Saves a round trip to the main thread per iteration.
__attribute__((export_name("tsne_steps"))) double tsne_steps(float* Y, int dims, int n, const int32_t* rowptr, const int32_t* cols,
                                                              const float* pv, int negatives, uint64_t* rng, float* attr, float* rep,
                                                              float exaggeration, float* gains, float* update, float momentum, float lr,
                                                              float minGain, int steps) {
  double norm = 0;
  for (int s = 0; s < steps; s++) {
    const double wsum = tsne_forces(Y, dims, n, 0, n, rowptr, cols, pv, negatives, rng, attr, rep);
    norm = tsne_update(Y, dims, 0, n, attr, rep, exaggeration, wsum > 0 ? (float)(1.0 / wsum) : 0.f, gains, update, momentum, lr, minGain);
  }
  return norm;
}
