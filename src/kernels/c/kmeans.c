// k-means kernels (src/tasks/cluster/): the Lloyd iteration with Hamerly's bounds (Hamerly 2010,
// "Making k-means even faster"), which gives exactly Lloyd's assignments while skipping the rows
// whose nearest centroid provably did not change, and the candidate scoring of greedy k-means++
// (Arthur & Vassilvitskii 2007; scikit-learn's n_local_trials variant).
//
// Layout (all offsets into the shared memory, laid out by src/tasks/cluster/kmeans-memory.ts):
//   X   n × d floats, row-major, d a multiple of 4 (zero-padded)
//   xn  n floats, ‖x‖²
//   C   k × d floats (the centroids), CT d × kp floats (the same, transposed; kp a multiple of 8,
//       columns k..kp-1 are zero), cn kp floats ‖c‖² (padding columns hold 1e30, never nearest)
// Each thread works on its own range of rows and its own sums/counts/list/scratch.
#include <stddef.h>
#include <stdint.h>
#include "simd.h"

static inline float sqrt_pos(float x) { return x > 0.f ? __builtin_sqrtf(x) : 0.f; }

// Dot products of four rows with eight columns of the transposed matrix T (stride kp floats per
// dimension): out[q·ostride + c] = x_q · T[·][c], in registers (8 accumulators of 4 lanes).
static inline void dots_4x8(const float* x0, const float* x1, const float* x2, const float* x3, int d, const float* ct,
                            int kp, float* out, int ostride) {
  v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (int t = 0; t < d; t++, ct += kp) {
    const v128_t c0 = wasm_v128_load(ct), c1 = wasm_v128_load(ct + 4);
    v128_t s = wasm_f32x4_splat(x0[t]);
    a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, c0));
    a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, c1));
    s = wasm_f32x4_splat(x1[t]);
    a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, c0));
    a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, c1));
    s = wasm_f32x4_splat(x2[t]);
    a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, c0));
    a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, c1));
    s = wasm_f32x4_splat(x3[t]);
    a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, c0));
    a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, c1));
  }
  wasm_v128_store(out, a00);
  wasm_v128_store(out + 4, a01);
  wasm_v128_store(out + ostride, a10);
  wasm_v128_store(out + ostride + 4, a11);
  wasm_v128_store(out + 2 * ostride, a20);
  wasm_v128_store(out + 2 * ostride + 4, a21);
  wasm_v128_store(out + 3 * ostride, a30);
  wasm_v128_store(out + 3 * ostride + 4, a31);
}

// Squared distances of rows listed in idx[0..m) to every centroid, four rows at a time as a
// (4 × d) · (d × kp) product in registers (8 accumulators of 4 lanes), then the nearest and the
// second nearest per row: best[q], d1[q] (its squared distance), d2[q] (the runner-up's).
static void nearest_two(const float* X, int d, const float* CT, const float* cn, int kp, int k, const float* xn,
                        const int32_t* idx, int m, int32_t* best, float* d1, float* d2, float* scratch) {
  for (int b = 0; b < m; b += 4) {
    const int r = m - b < 4 ? m - b : 4;
    const float* x0 = X + (size_t)idx[b] * d;
    const float* x1 = X + (size_t)idx[b + (r > 1 ? 1 : 0)] * d;
    const float* x2 = X + (size_t)idx[b + (r > 2 ? 2 : 0)] * d;
    const float* x3 = X + (size_t)idx[b + (r > 3 ? 3 : 0)] * d;
    for (int j = 0; j < kp; j += 8) dots_4x8(x0, x1, x2, x3, d, CT + j, kp, scratch + j, kp);
    for (int q = 0; q < r; q++) {
      const float* dots = scratch + q * kp;
      const float base = xn[idx[b + q]];
      float m1 = 3.4e38f, m2 = 3.4e38f;
      int arg = 0;
      for (int j = 0; j < k; j++) {
        const float dist = base + cn[j] - 2.f * dots[j];
        if (dist < m1) {
          m2 = m1;
          m1 = dist;
          arg = j;
        } else if (dist < m2) {
          m2 = dist;
        }
      }
      best[b + q] = arg;
      d1[b + q] = m1 > 0.f ? m1 : 0.f;
      d2[b + q] = m2 > 0.f ? m2 : 0.f;
    }
  }
}

static float sq_dist(const float* a, const float* b, int d) {
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0;
  int t = 0;
  for (; t + 8 <= d; t += 8) {
    const v128_t u = wasm_f32x4_sub(wasm_v128_load(a + t), wasm_v128_load(b + t));
    const v128_t v = wasm_f32x4_sub(wasm_v128_load(a + t + 4), wasm_v128_load(b + t + 4));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(u, u));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(v, v));
  }
  for (; t < d; t += 4) {
    const v128_t u = wasm_f32x4_sub(wasm_v128_load(a + t), wasm_v128_load(b + t));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(u, u));
  }
  return hsum(wasm_f32x4_add(s0, s1));
}

// Largest of the k squared centroid norms (scale of the rounding error of distances).
static float max_norm(const float* cn, int k) {
  float m = 0.f;
  for (int j = 0; j < k; j++) m = cn[j] > m ? cn[j] : m;
  return m;
}

// Adds rows [begin, end) to their centroid's sums (double) and counts.
static void accumulate(const float* X, int d, int begin, int end, const int32_t* labels, double* sums, int32_t* counts) {
  for (int i = begin; i < end; i++) {
    const int a = labels[i];
    counts[a]++;
    const float* x = X + (size_t)i * d;
    double* s = sums + (size_t)a * d;
    for (int t = 0; t < d; t += 4) {
      const v128_t v = wasm_v128_load(x + t);
      wasm_v128_store(s + t, wasm_f64x2_add(wasm_v128_load(s + t), wasm_f64x2_promote_low_f32x4(v)));
      wasm_v128_store(s + t + 2,
                      wasm_f64x2_add(wasm_v128_load(s + t + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
    }
  }
}

// ‖x‖² of rows [begin, end).
__attribute__((export_name("km_row_norms"))) void km_row_norms(const float* X, int d, int begin, int end, float* xn) {
  for (int i = begin; i < end; i++) xn[i] = f_dot(X + (size_t)i * d, X + (size_t)i * d, d);
}

// One Lloyd assignment of rows [begin, end) with Hamerly's bounds: upper[i] ≥ ‖x_i − c_label‖,
// lower[i] ≤ distance to every other centroid. After the centroids moved by shift[j], upper grows by
// the own centroid's shift and lower shrinks by the largest shift; a row is rescanned only when
// upper > max(lower, half_sep[label]) still holds after tightening upper to the exact distance
// (half_sep[j]: half the distance from c_j to its nearest other centroid). first != 0 scans all.
// Then adds every row to its centroid's sums (double) and counts. Returns how many labels changed;
// *rescanned gets how many rows needed the full scan.
__attribute__((export_name("km_step"))) int km_step(const float* X, int d, int begin, int end, const float* C, const float* CT, const float* cn, int kp, int k,
            const float* xn, int32_t* labels, float* upper, float* lower, const float* shift, float max_shift,
            const float* half_sep, int first, int32_t* list, int32_t* best, float* d1, float* d2, float* scratch,
            double* sums, int32_t* counts, int32_t* rescanned) {
  int m = 0;
  for (int i = begin; i < end; i++) {
    if (first) {
      list[m++] = i;
      continue;
    }
    const int a = labels[i];
    float u = upper[i] + shift[a];
    const float l = lower[i] - max_shift;
    lower[i] = l;
    const float z = l > half_sep[a] ? l : half_sep[a];
    if (u > z) {
      u = sqrt_pos(sq_dist(X + (size_t)i * d, C + (size_t)a * d, d));
      if (u > z) list[m++] = i;
    }
    upper[i] = u;
  }
  *rescanned = m;
  const float cn_max = max_norm(cn, k);
  int changed = 0;
  for (int s = 0; s < m; s += 256) {
    const int len = m - s < 256 ? m - s : 256;
    nearest_two(X, d, CT, cn, kp, k, xn, list + s, len, best, d1, d2, scratch);
    for (int q = 0; q < len; q++) {
      const int i = list[s + q];
      if (labels[i] != best[q]) changed++;
      labels[i] = best[q];
      // the bounds come from ‖x‖² + ‖c‖² − 2x·c in float, whose rounding error is relative to
      // the norms, not to the distance: widen them by that much
      const float margin = 1e-5f * (xn[i] + cn_max);
      upper[i] = __builtin_sqrtf(d1[q] + margin);
      lower[i] = sqrt_pos(d2[q] - margin);
    }
  }
  accumulate(X, d, begin, end, labels, sums, counts);
  return changed;
}

// One Lloyd assignment of rows [begin, end) with Elkan's bounds (Elkan 2003): a lower bound per
// row and centroid, lower[i·kp + j] ≤ ‖x_i − c_j‖, shrunk by each centroid's own shift, and
// upper[i] ≥ ‖x_i − c_label‖. Centroid j is examined only when upper > max(lower_j, ½‖c_label − c_j‖)
// (half[a·kp + j], with +inf on the diagonal and in the padding), four centroids at a time; the
// exact distance is computed only for those. Same assignments as Lloyd, far fewer distances than
// Hamerly's single bound once the centroids settle. first != 0 fills every bound with a full scan.
// Then accumulates sums/counts. Returns the labels changed; *evaluated gets the distances computed.
__attribute__((export_name("km_step_elkan"))) int km_step_elkan(const float* X, int d, int begin, int end, const float* C,
                                                                const float* CT, const float* cn, int kp, int k,
                                                                const float* xn, int32_t* labels, float* upper,
                                                                float* lower, const float* shift, const float* half,
                                                                int first, int32_t* list, float* scratch, double* sums,
                                                                int32_t* counts, int32_t* evaluated) {
  int changed = 0;
  int64_t evals = 0;
  const float cn_max = max_norm(cn, k);
  if (first) {
    for (int b = begin; b < end; b += 4) {
      const int r = end - b < 4 ? end - b : 4;
      for (int q = 0; q < 4; q++) list[q] = b + (q < r ? q : 0);
      const float* x0 = X + (size_t)list[0] * d;
      const float* x1 = X + (size_t)list[1] * d;
      const float* x2 = X + (size_t)list[2] * d;
      const float* x3 = X + (size_t)list[3] * d;
      for (int j = 0; j < kp; j += 8) dots_4x8(x0, x1, x2, x3, d, CT + j, kp, scratch + j, kp);
      for (int q = 0; q < r; q++) {
        const int i = b + q;
        float* l = lower + (size_t)i * kp;
        const float margin = 1e-5f * (xn[i] + cn_max);
        float best = 3.4e38f;
        int arg = 0;
        for (int j = 0; j < kp; j++) {
          if (j >= k) {
            l[j] = 3.4e38f;
            continue;
          }
          const float d2 = xn[i] + cn[j] - 2.f * scratch[q * kp + j];
          l[j] = sqrt_pos(d2 - margin);
          if (d2 < best) {
            best = d2;
            arg = j;
          }
        }
        labels[i] = arg;
        upper[i] = sqrt_pos(best + margin);
      }
      evals += (int64_t)r * k;
    }
    changed = end - begin;
  } else {
    const v128_t zero = wasm_f32x4_splat(0.f);
    for (int i = begin; i < end; i++) {
      float* l = lower + (size_t)i * kp;
      int a = labels[i];
      float u = upper[i] + shift[a];
      // shrink the bounds and list the centroids that pass the test with the loose upper bound
      // (a centroid failing it can never beat the final nearest one: Elkan's lemma 1 and 2)
      int m = 0;
      v128_t uu = wasm_f32x4_splat(u);
      const float* h = half + (size_t)a * kp;
      for (int j = 0; j < kp; j += 4) {
        const v128_t lj = wasm_f32x4_max(zero, wasm_f32x4_sub(wasm_v128_load(l + j), wasm_v128_load(shift + j)));
        wasm_v128_store(l + j, lj);
        int bits = wasm_i32x4_bitmask(wasm_f32x4_gt(uu, wasm_f32x4_max(lj, wasm_v128_load(h + j))));
        while (bits) {
          list[m++] = j + __builtin_ctz(bits);
          bits &= bits - 1;
        }
      }
      if (m == 0) {
        upper[i] = u;
        continue;
      }
      const float* x = X + (size_t)i * d;
      int tight = 0;
      const int start = a;
      for (int c = 0; c < m; c++) {
        const int j = list[c];
        if (j == a) continue;
        const float hj = half[(size_t)a * kp + j];
        float z = l[j] > hj ? l[j] : hj;
        if (u <= z) continue;
        if (!tight) {
          u = sqrt_pos(sq_dist(x, C + (size_t)a * d, d));
          l[a] = u * 0.9999f;
          tight = 1;
          evals++;
          if (u <= z) continue;
        }
        const float dj = sqrt_pos(sq_dist(x, C + (size_t)j * d, d));
        evals++;
        l[j] = dj * 0.9999f;
        if (dj < u) {
          a = j;
          u = dj;
        }
      }
      if (a != start) changed++;
      labels[i] = a;
      upper[i] = tight ? u * 1.0001f + 1e-6f : u;
    }
  }
  *evaluated = (int32_t)(evals > 2147483647 ? 2147483647 : evals);
  accumulate(X, d, begin, end, labels, sums, counts);
  return changed;
}

// Nearest centroid of rows [begin, end) without bounds (prediction, mini-batch): labels and
// squared distances.
__attribute__((export_name("km_nearest"))) void km_nearest(const float* X, int d, int begin, int end, const float* CT, const float* cn, int kp, int k,
                const float* xn, int32_t* labels, float* dist2, int32_t* list, float* d2, float* scratch) {
  for (int s = begin; s < end; s += 256) {
    const int len = end - s < 256 ? end - s : 256;
    for (int q = 0; q < len; q++) list[q] = s + q;
    nearest_two(X, d, CT, cn, kp, k, xn, list, len, labels + s, dist2 + s, d2, scratch);
  }
}

// Σ ‖x_i − c_label(i)‖² over rows [begin, end), exact (differences, not the dot-product form);
// each row's squared distance goes to dist2.
__attribute__((export_name("km_inertia"))) double km_inertia(const float* X, int d, int begin, int end, const float* C, const int32_t* labels, float* dist2) {
  double total = 0;
  for (int i = begin; i < end; i++) {
    const float v = sq_dist(X + (size_t)i * d, C + (size_t)labels[i] * d, d);
    dist2[i] = v;
    total += v;
  }
  return total;
}

// k-means++ candidate scoring: PT holds the m ≤ 8 candidate centres transposed (d × 8, unused
// columns zero) and pn their squared norms. The squared distance of every row of [begin, end) to
// candidate c goes to dist[c·n + i], and pot[c] gets Σ min(closest[i], that distance) (the
// potential if the candidate were chosen).
__attribute__((export_name("km_pp_score"))) void km_pp_score(const float* X, int d, int n, int begin, int end,
                                                              const float* xn, const float* PT, const float* pn, int m,
                                                              const float* closest, float* dist, double* pot) {
  float dots[32];
  double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int b = begin; b < end; b += 4) {
    const int r = end - b < 4 ? end - b : 4;
    const float* x0 = X + (size_t)b * d;
    const float* x1 = X + (size_t)(b + (r > 1 ? 1 : 0)) * d;
    const float* x2 = X + (size_t)(b + (r > 2 ? 2 : 0)) * d;
    const float* x3 = X + (size_t)(b + (r > 3 ? 3 : 0)) * d;
    dots_4x8(x0, x1, x2, x3, d, PT, 8, dots, 8);
    for (int q = 0; q < r; q++) {
      const int i = b + q;
      for (int c = 0; c < m; c++) {
        float v = xn[i] + pn[c] - 2.f * dots[q * 8 + c];
        v = v > 0.f ? v : 0.f;
        dist[(size_t)c * n + i] = v;
        p[c] += v < closest[i] ? v : closest[i];
      }
    }
  }
  for (int c = 0; c < m; c++) pot[c] = p[c];
}
