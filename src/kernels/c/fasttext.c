// fastText subword training kernels (Bojanowski et al. 2017), compiled to WebAssembly SIMD.
//
// A word's input vector is the mean of its rows in `syn0`: its own row (0..nwords-1) and the rows
// of its hashed character n-grams (nwords..rows-1); the lists are precomputed in TypeScript
// (src/vectors/fasttext/layout.ts mirrors both structs field-for-field; every field is 4 bytes
// unless noted). Output vectors (`syn1`, one per word) are trained by negative sampling.
//
// Skip-gram follows fastText's per-context update without re-reading the rows: fastText recomputes
// the centre word's hidden vector (the mean of its rows) and adds the gradient to every row after
// each context word, and adding g to every row moves their mean by exactly g. So the kernel keeps
// the hidden vector current (hidden += g after each context word) and applies the summed gradient
// to the rows once per centre word: the same arithmetic as fastText for ~1 vector add per context
// instead of a mean and an update over all the rows. (Using one hidden vector for the whole window
// — the stale-gradient shortcut — cost 2.6 analogy points on the full shared corpus.) CBOW averages
// the rows of every context word, as fastText does. Rows are
// `stride` floats apart (dim rounded up to 4); padding lanes stay zero.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"
#include "simd.h"
#include "varint.h"

#define SIGMOID_TABLE_SIZE 512
#define MAX_SIGMOID 8
#define LOG_TABLE_SIZE 512

typedef struct {
  int32_t stride;           // 0
  int32_t window;           // 1  max window (each side)
  int32_t negative;         // 2
  int32_t sg;               // 3  1 = skip-gram, 0 = CBOW
  int32_t nwords;           // 4
  int32_t max_sentence;     // 5
  float* syn0;              // 6  rows × stride (words, then n-gram buckets)
  float* syn1;              // 7  nwords × stride
  const float* sigmoid;     // 8  SIGMOID_TABLE_SIZE + 1 entries over [-MAX_SIGMOID, MAX_SIGMOID]
  const uint32_t* keep;     // 9  subsampling: keep word w iff random32 <= keep[w]
  int32_t sample;           // 10
  const uint32_t* alias_prob;  // 11 noise distribution (counts^0.5, fastText's) as an alias table
  const int32_t* alias_idx;    // 12
  const int32_t* sub_offset;   // 13 nwords + 1 offsets into subs
  const int32_t* subs;         // 14 rows of each word (its own row first)
  const int32_t* remap;        // 15 stream id -> vocabulary id, or -1
  int32_t remap_size;          // 16
  int32_t dim;                 // 17
  int32_t rows;                // 18
  int32_t compute_loss;        // 19
  const float* log_table;      // 20 log(p + 1e-5) on LOG_TABLE_SIZE + 1 points of [0, 1] (loss only)
  int32_t eos;                 // 21 vocabulary id of `</s>`, appended to every sentence, or -1
} Model;

typedef struct {
  uint64_t rng;        // 0
  double loss;         // 8
  double loss_terms;   // 16
  int32_t* sent;       // 24 max_sentence ids
  float* hidden;       // 28 stride floats
  float* grad;         // 32 stride floats
  int32_t* bow;        // 36 CBOW: rows of the context (bow_cap entries)
  int32_t bow_cap;     // 40
  float* step;         // 44 stride floats: one context word's input gradient (skip-gram)
  int32_t pad1;        // 48
  int32_t effective;   // 52 words kept by subsampling in the last job
  int32_t words;       // 56 in-vocabulary words read in the last job
} Worker;

static inline uint64_t rng_next(Worker* w) { return xs64_next(&w->rng); }

// One draw from the noise distribution (alias table): O(1).
static inline int32_t draw_negative(const Model* m, Worker* w) {
  return alias_draw(rng_next(w), m->alias_prob, m->alias_idx, (uint32_t)m->nwords);
}

// fastText's sigmoid: a table over [-8, 8], saturated outside.
static inline float sigmoid(const Model* m, float x) {
  if (x < -MAX_SIGMOID) return 0.f;
  if (x > MAX_SIGMOID) return 1.f;
  int i = (int)((x + MAX_SIGMOID) * (SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2));
  return m->sigmoid[i];
}

// -log(p + 1e-5) from a table, as fastText's Loss::log (no libm in the kernels).
static inline double neg_log(const Model* m, float p) {
  if (p > 1.f) return 0.0;
  return -(double)m->log_table[(int)(p * LOG_TABLE_SIZE)];
}

// Hidden vector = mean of the rows listed in `rows`.
static void mean_rows(const Model* m, float* h, const int32_t* rows, int count) {
  const int n = m->stride;
  vzero(h, n);
  for (int i = 0; i < count; i++) vadd(h, m->syn0 + (int64_t)rows[i] * n, n);
  if (count > 0) vscale(h, 1.f / (float)count, n);
}

// Negative sampling for (hidden h, target): fastText's NegativeSamplingLoss::forward with its
// binaryLogistic; accumulates the input gradient into `acc` and updates output rows in place.
static void ns_step(const Model* m, Worker* w, const float* h, int32_t target, float lr, float* acc) {
  const int n = m->stride;
  for (int d = 0; d <= m->negative; d++) {
    int32_t t = target;
    float label = 1.f;
    if (d > 0) {
      do t = draw_negative(m, w);
      while (t == target);
      label = 0.f;
    }
    float* out = m->syn1 + (int64_t)t * n;
    float score = sigmoid(m, f_dot(h, out, n));
    if (m->compute_loss) w->loss += neg_log(m, label > 0.f ? score : 1.f - score);
    vaxpy_pair(acc, out, lr * (label - score), h, n);
  }
  if (m->compute_loss) w->loss_terms += 1.0;
}

static void apply_grad(const Model* m, Worker* w, const int32_t* rows, int count) {
  const int n = m->stride;
  for (int i = 0; i < count; i++) vadd(m->syn0 + (int64_t)rows[i] * n, w->grad, n);
}

static void train_sentence(const Model* m, Worker* w, const int32_t* sent, int len, float lr) {
  const int n = m->stride;
  for (int i = 0; i < len; i++) {
    int b = 1 + (int)rng_below(rng_next(w), (uint32_t)m->window);  // fastText: uniform in [1, ws]
    int lo = i - b < 0 ? 0 : i - b;
    int hi = i + b >= len ? len - 1 : i + b;
    if (m->sg) {
      const int32_t* rows = m->subs + m->sub_offset[sent[i]];
      int count = m->sub_offset[sent[i] + 1] - m->sub_offset[sent[i]];
      mean_rows(m, w->hidden, rows, count);
      vzero(w->grad, n);
      for (int c = lo; c <= hi; c++) {
        if (c == i) continue;
        vzero(w->step, n);
        ns_step(m, w, w->hidden, sent[c], lr, w->step);
        vadd(w->hidden, w->step, n);
        vadd(w->grad, w->step, n);
      }
      apply_grad(m, w, rows, count);
    } else {
      int count = 0;
      for (int c = lo; c <= hi; c++) {
        if (c == i) continue;
        int32_t a = m->sub_offset[sent[c]], z = m->sub_offset[sent[c] + 1];
        for (int32_t k = a; k < z && count < w->bow_cap; k++) w->bow[count++] = m->subs[k];
      }
      if (count == 0) continue;
      mean_rows(m, w->hidden, w->bow, count);
      vzero(w->grad, n);
      ns_step(m, w, w->hidden, sent[i], lr, w->grad);
      apply_grad(m, w, w->bow, count);
    }
  }
}

// Trains on one job of the encoded corpus (LEB128 stream ids, 0 = end of sentence). Returns 0,
// or -1 for a malformed stream.
__attribute__((export_name("ft_train_job")))
int32_t ft_train_job(const Model* m, Worker* w, const uint8_t* data, int32_t nbytes, float lr) {
  const uint8_t* p = data;
  const uint8_t* end = data + nbytes;
  int32_t* sent = w->sent;
  int32_t words = 0, effective = 0;
  int len = 0;
  while (p < end) {
    uint32_t v;
    if (varint_next(&p, end, &v)) return -1;
    int32_t id;
    if (v == 0) {
      // fastText's getLine: the line's `</s>` is read (and may be subsampled) like any word.
      if (m->eos < 0) {
        if (len > 1) train_sentence(m, w, sent, len, lr);
        len = 0;
        continue;
      }
      id = m->eos;
    } else {
      if (v > (uint32_t)m->remap_size) return -1;
      id = m->remap[v - 1];
      if (id < 0) continue;
    }
    words++;
    if (!m->sample || (uint32_t)(rng_next(w) >> 32) <= m->keep[id]) {
      sent[len++] = id;
      effective++;
    }
    if (v == 0 || len == m->max_sentence) {
      if (len > 1) train_sentence(m, w, sent, len, lr);
      len = 0;
    }
  }
  if (len > 1) train_sentence(m, w, sent, len, lr);
  w->words = words;
  w->effective = effective;
  return 0;
}

// fastText's initialisation: every input row (words and n-grams) uniform in [-1/dim, 1/dim];
// output rows zero (fresh memory).
__attribute__((export_name("ft_init_vectors")))
void ft_init_vectors(const Model* m, Worker* w) {
  const int n = m->stride;
  const float scale = 1.f / (float)m->dim;
  for (int64_t r = 0; r < m->rows; r++) {
    float* row = m->syn0 + r * n;
    for (int d = 0; d < n; d++) {
      if (d < m->dim) {
        uint32_t u = (uint32_t)(rng_next(w) >> 40);
        row[d] = ((float)u * (2.f / 16777216.f) - 1.f) * scale;
      } else {
        row[d] = 0.f;
      }
    }
  }
}
