// GloVe kernels (Pennington et al. 2014), compiled to WebAssembly SIMD (see build-wasm.sh):
// co-occurrence counting over the encoded corpus, sorting/merging of co-occurrence records, the
// shuffle, and the AdaGrad training pass. Memory is laid out by TypeScript (src/vectors/glove/);
// every pointer below is an offset into the one shared WebAssembly.Memory; no libc, no allocation.
//
// Counting follows the reference cooccur.c: a word pair whose frequency ranks (1-based) multiply
// to at most `max_product` is summed in a dense table (frequent pairs, most of the increments);
// every other pair is appended to a record buffer that is sorted and merged when full, and spilled
// to disk by the caller when merging does not free enough of it.
//
// Parameter rows are `stride` floats: the vector (dim rounded up to 4, padding lanes zero), the
// bias at index `dim4`, zeros up to dim4 + 4; then, at `half` = dim4 + 4, the AdaGrad accumulators
// of the same lanes (stride = 2 · half). Keeping a row's weights and accumulators together makes an
// update touch two memory regions instead of four (the pass is bound by these random accesses).
// Rows 0..V-1 are the word vectors, rows V..2V-1 the context vectors.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"
#include "simd.h"
#include "varint.h"

// A co-occurrence being counted: key = (row << 32) | column, x = weighted count.
typedef struct {
  uint64_t key;
  double x;
} CountRec;

// A co-occurrence as trained: word, context, weighted count (12 bytes, as GloVe's CREC but float).
typedef struct {
  int32_t i;
  int32_t j;
  float x;
} TrainRec;

// ---------------------------------------------------------------------------------- counting
// Counts one job: `nbytes` of the encoded corpus at `data` (LEB128 varints of stream id + 1, 0 ends
// a sentence; see src/text/encoded-corpus.ts). Stream ids map to vocabulary ids through `remap`
// (-1 = dropped word, skipped as if absent, like cooccur.c). Each pair at distance d <= window
// within a sentence adds 1/d (or 1 without distance weighting) to (w1, w2) and, if symmetric,
// (w2, w1). `history` holds `window` ids; `state` = {record count, tokens counted}. Returns 0, or -1
// if the stream is malformed. The caller guarantees room for 2 * window * nbytes more records.
__attribute__((export_name("glove_count_job")))
int32_t glove_count_job(const uint8_t* data, int32_t nbytes, const int32_t* remap, int32_t remap_size,
                        int32_t window, int32_t symmetric, int32_t distance_weighting, int32_t* history,
                        double* dense, const int64_t* lookup, int64_t max_product, CountRec* recs,
                        int64_t* state) {
  const uint8_t* p = data;
  const uint8_t* end = data + nbytes;
  int64_t n = state[0];
  int64_t tokens = 0;
  int64_t pos = 0;  // in-vocabulary position within the sentence
  while (p < end) {
    uint32_t v;
    if (varint_next(&p, end, &v)) return -1;
    if (v == 0) {
      pos = 0;
      continue;
    }
    if (v > (uint32_t)remap_size) return -1;
    const int32_t w2 = remap[v - 1];
    if (w2 < 0) continue;
    tokens++;
    const int64_t first = pos > window ? pos - window : 0;
    for (int64_t k = pos - 1; k >= first; k--) {
      const int32_t w1 = history[k % window];
      const double weight = distance_weighting ? 1.0 / (double)(pos - k) : 1.0;
      const int64_t r1 = (int64_t)w1 + 1, r2 = (int64_t)w2 + 1;
      if (r1 * r2 <= max_product) {
        dense[lookup[w1] + w2] += weight;
        if (symmetric) dense[lookup[w2] + w1] += weight;
      } else {
        recs[n].key = ((uint64_t)(uint32_t)w1 << 32) | (uint32_t)w2;
        recs[n++].x = weight;
        if (symmetric) {
          recs[n].key = ((uint64_t)(uint32_t)w2 << 32) | (uint32_t)w1;
          recs[n++].x = weight;
        }
      }
    }
    history[pos % window] = w2;
    pos++;
  }
  state[0] = n;
  state[1] += tokens;
  return 0;
}

static inline void swap_rec(CountRec* a, CountRec* b) {
  const CountRec t = *a;
  *a = *b;
  *b = t;
}

// Sorts by key: quicksort (median of three, recursing into the smaller side) with insertion sort
// for short ranges, so the depth stays O(log n) on a 64 KiB shadow stack.
static void sort_recs(CountRec* a, int64_t n) {
  while (n > 24) {
    const int64_t mid = n / 2;
    if (a[mid].key < a[0].key) swap_rec(&a[mid], &a[0]);
    if (a[n - 1].key < a[0].key) swap_rec(&a[n - 1], &a[0]);
    if (a[n - 1].key < a[mid].key) swap_rec(&a[n - 1], &a[mid]);
    const uint64_t pivot = a[mid].key;
    int64_t i = 0, j = n - 1;
    for (;;) {
      while (a[i].key < pivot) i++;
      while (a[j].key > pivot) j--;
      if (i >= j) break;
      swap_rec(&a[i], &a[j]);
      i++;
      j--;
    }
    const int64_t left = j + 1;  // [0, left) <= pivot <= [left, n)
    if (left < n - left) {
      sort_recs(a, left);
      a += left;
      n -= left;
    } else {
      sort_recs(a + left, n - left);
      n = left;
    }
  }
  for (int64_t i = 1; i < n; i++) {
    const CountRec t = a[i];
    int64_t j = i - 1;
    while (j >= 0 && a[j].key > t.key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = t;
  }
}

// Sorts recs[0..n) by (row, column) and sums equal pairs in place; returns the new count.
__attribute__((export_name("glove_compact")))
int64_t glove_compact(CountRec* recs, int64_t n) {
  if (n == 0) return 0;
  sort_recs(recs, n);
  int64_t out = 0;
  for (int64_t i = 1; i < n; i++) {
    if (recs[i].key == recs[out].key) recs[out].x += recs[i].x;
    else recs[++out] = recs[i];
  }
  return out + 1;
}

// Appends the non-zero cells of the dense table as training records at `out`; returns how many.
__attribute__((export_name("glove_emit_dense")))
int64_t glove_emit_dense(const double* dense, const int64_t* lookup, int32_t rows, TrainRec* out) {
  int64_t n = 0;
  for (int32_t i = 0; i < rows; i++) {
    const int64_t len = lookup[i + 1] - lookup[i];
    const double* row = dense + lookup[i];
    for (int64_t j = 0; j < len; j++) {
      if (row[j] > 0) {
        out[n].i = i;
        out[n].j = (int32_t)j;
        out[n++].x = (float)row[j];
      }
    }
  }
  return n;
}

// Rewrites merged count records as training records, in place (12 <= 16 bytes, so each write lands
// at or before the record it replaces); returns n.
__attribute__((export_name("glove_to_train")))
int64_t glove_to_train(const CountRec* recs, int64_t n, TrainRec* out) {
  for (int64_t k = 0; k < n; k++) {
    const CountRec r = recs[k];
    out[k].i = (int32_t)(r.key >> 32);
    out[k].j = (int32_t)(uint32_t)r.key;
    out[k].x = (float)r.x;
  }
  return n;
}

// Fisher–Yates shuffle of n training records (the reference shuffles its file once; so do we).
__attribute__((export_name("glove_shuffle")))
void glove_shuffle(TrainRec* recs, int64_t n, uint64_t* rng) {
  for (int64_t i = n - 1; i > 0; i--) {
    const uint64_t r = xs64_next(rng);
    const int64_t j = (int64_t)((r >> 11) % (uint64_t)(i + 1));
    const TrainRec t = recs[i];
    recs[i] = recs[j];
    recs[j] = t;
  }
}

// Initialises the parameters as glove.c: vectors and biases uniform in [-0.5, 0.5) / dim, padding
// lanes zero; AdaGrad accumulators 1.
__attribute__((export_name("glove_init")))
void glove_init(float* w, int32_t rows, int32_t dim, uint64_t* rng) {
  const int32_t dim4 = (dim + 3) & ~3;
  const int32_t half = dim4 + 4;
  const float scale = 1.f / (float)dim;
  for (int64_t r = 0; r < rows; r++) {
    float* row = w + r * 2 * half;
    float* g = row + half;
    for (int32_t d = 0; d < half; d++) {
      const int used = d < dim || d == dim4;
      if (used) {
        const uint32_t u = (uint32_t)(xs64_next(rng) >> 40);  // 24 random bits
        row[d] = ((float)u / 16777216.f - 0.5f) * scale;
      } else {
        row[d] = 0.f;
      }
      g[d] = 1.f;
    }
  }
}

// ---------------------------------------------------------------------------------- training
// log and exp without libc. ln x: x = m · 2^e with m in [√½, √2), ln m = 2 atanh(s), s = (m−1)/(m+1),
// |s| <= 0.172, by its series to s^9 (next term < 1e-9). exp x: x = k ln 2 + f, |f| <= ln2 / 2, e^f
// by its Taylor series to f^8 (next term < 1e-9 relative).
static inline float ln_f(float x) {
  union {
    float f;
    uint32_t u;
  } v = {x};
  int32_t e = (int32_t)((v.u >> 23) & 0xff) - 127;
  v.u = (v.u & 0x007fffff) | 0x3f800000;  // m in [1, 2)
  double m = v.f;
  if (m > 1.41421356) {
    m *= 0.5;
    e++;
  }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  const double lnm = 2 * s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 / 9))));
  return (float)(lnm + e * 0.6931471805599453);
}

static inline float exp_f(float x) {
  if (x < -87.f) return 0.f;
  const double k = __builtin_nearbyint((double)x * 1.4426950408889634);
  const double f = (double)x - k * 0.6931471805599453;
  double r = 1.0 / 40320;
  r = r * f + 1.0 / 5040;
  r = r * f + 1.0 / 720;
  r = r * f + 1.0 / 120;
  r = r * f + 1.0 / 24;
  r = r * f + 1.0 / 6;
  r = r * f + 0.5;
  r = r * f + 1;
  r = r * f + 1;
  union {
    double d;
    uint64_t u;
  } v = {r};
  v.u += (uint64_t)(int64_t)k << 52;
  return (float)v.d;
}

// One AdaGrad pass over recs[0..n) (Pennington et al. 2014, eq. 8 with the weighting f of eq. 9):
//   J = Σ f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²,  f(x) = min(1, (x / x_max)^alpha),
// each parameter stepping by eta / sqrt(its summed squared gradients), as glove.c. Hogwild across
// workers (each takes a slice of the shuffled records). Returns the pass's cost 0.5 · Σ f · diff².
__attribute__((export_name("glove_train")))
double glove_train(const TrainRec* recs, int64_t n, float* w, int32_t vocab_size, int32_t dim, float eta, float x_max,
                   float alpha) {
  const int32_t dim4 = (dim + 3) & ~3;
  const int32_t half = dim4 + 4, stride = 2 * half;
  const float ln_xmax = ln_f(x_max);
  double cost = 0;
  for (int64_t k = 0; k < n; k++) {
    const TrainRec r = recs[k];
    float* w1 = w + (int64_t)r.i * stride;
    float* w2 = w + ((int64_t)r.j + vocab_size) * stride;
    float* g1 = w1 + half;
    float* g2 = w2 + half;
    const float lx = ln_f(r.x);
    const float diff = f_dot(w1, w2, dim4) + w1[dim4] + w2[dim4] - lx;
    const float weight = r.x > x_max ? 1.f : exp_f(alpha * (lx - ln_xmax));
    float fdiff = weight * diff;
    cost += 0.5 * (double)fdiff * (double)diff;
    fdiff *= eta;
    const v128_t fd = wasm_f32x4_splat(fdiff);
    for (int32_t d = 0; d < dim4; d += 4) {
      const v128_t a = wasm_v128_load(w1 + d), b = wasm_v128_load(w2 + d);
      const v128_t ga = wasm_v128_load(g1 + d), gb = wasm_v128_load(g2 + d);
      const v128_t t1 = wasm_f32x4_mul(fd, b);  // gradient for w1
      const v128_t t2 = wasm_f32x4_mul(fd, a);  // gradient for w2
      wasm_v128_store(w1 + d, wasm_f32x4_sub(a, wasm_f32x4_div(t1, wasm_f32x4_sqrt(ga))));
      wasm_v128_store(w2 + d, wasm_f32x4_sub(b, wasm_f32x4_div(t2, wasm_f32x4_sqrt(gb))));
      wasm_v128_store(g1 + d, wasm_f32x4_add(ga, wasm_f32x4_mul(t1, t1)));
      wasm_v128_store(g2 + d, wasm_f32x4_add(gb, wasm_f32x4_mul(t2, t2)));
    }
    w1[dim4] -= fdiff / __builtin_sqrtf(g1[dim4]);
    w2[dim4] -= fdiff / __builtin_sqrtf(g2[dim4]);
    g1[dim4] += fdiff * fdiff;
    g2[dim4] += fdiff * fdiff;
  }
  return cost;
}

// Writes word + context vectors (glove.c's -model 2) as dense rows of `dim` floats at `out`.
__attribute__((export_name("glove_sum_vectors")))
void glove_sum_vectors(const float* w, int32_t vocab_size, int32_t dim, float* out) {
  const int32_t stride = 2 * (((dim + 3) & ~3) + 4);
  for (int64_t r = 0; r < vocab_size; r++) {
    const float* a = w + r * stride;
    const float* b = w + (r + vocab_size) * stride;
    for (int32_t d = 0; d < dim; d++) out[r * dim + d] = a[d] + b[d];
  }
}
