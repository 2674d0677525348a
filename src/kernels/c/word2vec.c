// word2vec training kernels (Mikolov et al. 2013), compiled to WebAssembly SIMD (see build-wasm.sh).
//
// All memory is owned and laid out by TypeScript (src/vectors/word2vec/layout.ts): the model struct,
// the weight matrices, the tables and each worker's scratch space live in one shared
// WebAssembly.Memory. This file never allocates and uses no libc; the layout of the two structs
// below is mirrored field-for-field in layout.ts (every field is 4 bytes unless noted).
//
// Rows of syn0/syn1neg/syn1 are `stride` floats apart, stride = dim rounded up to a multiple of 4;
// the padding lanes start at zero and every update adds g * 0 to them, so they stay zero and the
// kernels need no scalar tails.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"
#include "simd.h"
#include "varint.h"

#define EXP_TABLE_SIZE 1000
#define MAX_EXP 6

typedef struct {
  int32_t stride;        // 0  floats per row (dim rounded up to 4)
  int32_t window;        // 1  max window (each side)
  int32_t negative;      // 2  negatives per positive (0 = no negative sampling)
  int32_t hs;            // 3  1 = hierarchical softmax
  int32_t sg;            // 4  1 = skip-gram, 0 = CBOW
  int32_t cbow_mean;     // 5  1 = mean of context vectors, 0 = sum
  int32_t shared_neg;    // 6  skip-gram: 1 = one set of negatives per window (Ji et al. 2016)
  int32_t vocab_size;    // 7
  int32_t max_sentence;  // 8  max in-vocabulary tokens per sentence (sentence buffer size)
  int32_t compute_loss;  // 9
  float* syn0;           // 10 input vectors  (vocab_size × stride)
  float* syn1neg;        // 11 output vectors for negative sampling (vocab_size × stride)
  float* syn1;           // 12 inner-node vectors for hierarchical softmax ((vocab_size-1) × stride)
  const float* exp_table;   // 13 sigmoid table, EXP_TABLE_SIZE entries over [-MAX_EXP, MAX_EXP)
  const float* log_table;   // 14 log-sigmoid table, same grid (loss only)
  const uint32_t* keep;     // 15 subsampling: keep word w iff random32 <= keep[w]
  int32_t sample;           // 16 1 = subsampling on
  const uint32_t* alias_prob;  // 17 Walker/Vose alias table for the noise distribution
  const int32_t* alias_idx;    // 18
  const int32_t* code_offset;  // 19 per word: offset into codes/points
  const uint8_t* code_len;     // 20 per word: Huffman code length
  const uint8_t* codes;        // 21 Huffman code bits
  const int32_t* points;       // 22 Huffman path (inner node ids)
  const int32_t* remap;        // 23 stream id -> vocabulary id, or -1 (dropped)
  int32_t remap_size;          // 24
  int32_t dim;                 // 25 real dimension (<= stride)
} Model;

typedef struct {
  uint64_t rng;        // 0  xorshift64* state (never 0)
  double loss;         // 8  running loss sum (when compute_loss)
  double loss_terms;   // 16 number of (context, target) examples in loss
  int32_t* sent;       // 24 sentence buffer (max_sentence ids)
  float* neu1;         // 28 stride floats
  float* neu1e;        // 32 stride floats
  float* grad;         // 36 2*window*stride floats
  float* gmat;         // 40 2*window*(negative+1) floats
  int32_t* ctx;        // 44 2*window ids
  int32_t* outs;       // 48 negative+1 ids
  int32_t effective;   // 52 words kept by subsampling in the last job
  int32_t words;       // 56 in-vocabulary words read in the last job
  int32_t* negs;       // 60 negatives drawn ahead for the next centre word (negative ids)
  float sink;          // 64 receives the prefetch loads so they are not optimised away
} Worker;

static inline uint64_t rng_next(Worker* w) { return xs64_next(&w->rng); }

// One draw from the noise distribution (alias table): O(1).
static inline int32_t draw_negative(const Model* m, Worker* w) {
  return alias_draw(rng_next(w), m->alias_prob, m->alias_idx, (uint32_t)m->vocab_size);
}

// Touch one cache line in every 64 bytes of a row so it is on its way into the cache by the time
// it is used (WebAssembly has no prefetch instruction; an independent load does the same job).
static inline float touch_row(const float* row, int n) {
  float s = 0.f;
  for (int i = 0; i < n; i += 16) s += row[i];
  return s;
}

// Draws the negatives of the next centre word now and starts loading their output rows: the
// rows of rare words are usually not in cache, and the loads overlap the current word's work.
static inline void draw_ahead(const Model* m, Worker* w) {
  float s = 0.f;
  for (int d = 0; d < m->negative; d++) {
    int32_t t = draw_negative(m, w);
    w->negs[d] = t;
    s += touch_row(m->syn1neg + (int64_t)t * m->stride, m->stride);
  }
  w->sink += s;
}

// Starts loading the rows the next centre word (position i+1) brings in: its output row and the
// input row of the context word that enters the window.
static inline void touch_next(const Model* m, Worker* w, const int32_t* sent, int i, int len) {
  if (i + 1 >= len) return;
  float s = 0.f;
  if (m->negative > 0) s += touch_row(m->syn1neg + (int64_t)sent[i + 1] * m->stride, m->stride);
  int j = i + 1 + m->window;
  if (j < len) s += touch_row(m->syn0 + (int64_t)sent[j] * m->stride, m->stride);
  w->sink += s;
}

// ------------------------------------------------------------------------------------ vector ops

// y += a * x
static inline void vaxpy(float* y, float a, const float* x, int n) {
  v128_t va = wasm_f32x4_splat(a);
  for (int i = 0; i < n; i += 4)
    wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i), wasm_f32x4_mul(va, wasm_v128_load(x + i))));
}

// ------------------------------------------------------------------------------- sigmoid, loss
// Gradient scale for a logistic output with score f and label (word2vec.c: saturate outside ±MAX_EXP).
static inline float logistic_g(const Model* m, float f, float label, float alpha) {
  if (f >= MAX_EXP) return (label - 1.f) * alpha;
  if (f <= -MAX_EXP) return label * alpha;
  return (label - m->exp_table[(int)((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))]) * alpha;
}

// -log sigmoid(f) (the NS/HS loss term); log sigmoid(f) ~ f below -MAX_EXP, ~ 0 above MAX_EXP.
static inline double neg_log_sigmoid(const Model* m, float f) {
  if (f >= MAX_EXP) return 0.0;
  if (f <= -MAX_EXP) return -(double)f;
  return -(double)m->log_table[(int)((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
}

// ---------------------------------------------------------------------------- training steps
// Hierarchical softmax for one (input vector h, target word) pair; accumulates into neu1e and
// updates the inner-node vectors in place (word2vec.c, Morin & Bengio 2005).
static void hs_step(const Model* m, Worker* w, const float* h, int32_t target, float alpha) {
  const int n = m->stride;
  const int32_t off = m->code_offset[target];
  const int len = m->code_len[target];
  for (int d = 0; d < len; d++) {
    float* l2 = m->syn1 + (int64_t)m->points[off + d] * n;
    float f = f_dot(h, l2, n);
    if (f <= -MAX_EXP || f >= MAX_EXP) continue;  // word2vec.c skips saturated nodes
    float code = (float)m->codes[off + d];
    float g = (1.f - code - m->exp_table[(int)((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))]) * alpha;
    if (m->compute_loss) w->loss += neg_log_sigmoid(m, code ? -f : f);
    vaxpy_pair(w->neu1e, l2, g, h, n);
  }
}

// Negative sampling for one (input vector h, target word) pair, with the negatives in w->negs
// (drawn ahead by draw_ahead, which is called again at the end for the next pair).
static void ns_step(const Model* m, Worker* w, const float* h, int32_t target, float alpha) {
  const int n = m->stride;
  for (int d = 0; d <= m->negative; d++) {
    int32_t t;
    float label;
    if (d == 0) {
      t = target;
      label = 1.f;
    } else {
      t = w->negs[d - 1];
      if (t == target) continue;
      label = 0.f;
    }
    float* l2 = m->syn1neg + (int64_t)t * n;
    float f = f_dot(h, l2, n);
    if (m->compute_loss) w->loss += neg_log_sigmoid(m, d == 0 ? f : -f);
    float g = logistic_g(m, f, label, alpha);
    vaxpy_pair(w->neu1e, l2, g, h, n);
  }
  draw_ahead(m, w);
}

// Skip-gram with negatives shared by the whole window of one centre word (Ji et al. 2016,
// "Parallelizing Word2Vec in Shared and Distributed Memory"): the nc context vectors and the
// no = 1 + negatives output vectors form two small matrices, so the scores are one nc × no
// matrix product and every output row is loaded once per window instead of once per pair.
static void sg_shared_window(const Model* m, Worker* w, const int32_t* ctx, int nc, int32_t centre,
                             float alpha) {
  const int n = m->stride;
  int32_t* outs = w->outs;
  int no = 0;
  outs[no++] = centre;
  for (int d = 0; d < m->negative; d++)
    if (w->negs[d] != centre) outs[no++] = w->negs[d];
  draw_ahead(m, w);
  // scores -> gradient coefficients g[c][o] = (label - sigmoid(s)) * alpha
  float* gm = w->gmat;
  for (int c = 0; c < nc; c++) {
    const float* in = m->syn0 + (int64_t)ctx[c] * n;
    for (int o = 0; o < no; o++) {
      float f = f_dot(in, m->syn1neg + (int64_t)outs[o] * n, n);
      if (m->compute_loss) w->loss += neg_log_sigmoid(m, o == 0 ? f : -f);
      gm[c * no + o] = logistic_g(m, f, o == 0 ? 1.f : 0.f, alpha);
    }
  }
  if (m->compute_loss) w->loss_terms += nc;
  // grad_in[c] = sum_o g[c][o] * out[o]   (with the outputs before their update)
  float* grad = w->grad;
  for (int c = 0; c < nc; c++) {
    float* gc = grad + c * n;
    vzero(gc, n);
    for (int o = 0; o < no; o++) vaxpy(gc, gm[c * no + o], m->syn1neg + (int64_t)outs[o] * n, n);
  }
  // out[o] += sum_c g[c][o] * in[c]
  for (int o = 0; o < no; o++) {
    float* out = m->syn1neg + (int64_t)outs[o] * n;
    for (int c = 0; c < nc; c++) vaxpy(out, gm[c * no + o], m->syn0 + (int64_t)ctx[c] * n, n);
  }
  // in[c] += grad_in[c]
  for (int c = 0; c < nc; c++) vadd(m->syn0 + (int64_t)ctx[c] * n, grad + c * n, n);
}

static void train_sentence_sg(const Model* m, Worker* w, const int32_t* sent, int len, float alpha) {
  const int n = m->stride;
  for (int i = 0; i < len; i++) {
    const int32_t centre = sent[i];
    const int b = (int)rng_below(rng_next(w), (uint32_t)m->window);  // dynamic window: 1..window
    const int lo = i - (m->window - b) < 0 ? 0 : i - (m->window - b);
    const int hi = i + (m->window - b) >= len ? len - 1 : i + (m->window - b);
    touch_next(m, w, sent, i, len);
    if (m->shared_neg && m->negative > 0 && !m->hs) {
      int nc = 0;
      for (int j = lo; j <= hi; j++)
        if (j != i) w->ctx[nc++] = sent[j];
      if (nc > 0) sg_shared_window(m, w, w->ctx, nc, centre, alpha);
      continue;
    }
    for (int j = lo; j <= hi; j++) {
      if (j == i) continue;
      float* h = m->syn0 + (int64_t)sent[j] * n;
      vzero(w->neu1e, n);
      if (m->hs) hs_step(m, w, h, centre, alpha);
      if (m->negative > 0) ns_step(m, w, h, centre, alpha);
      if (m->compute_loss) w->loss_terms += 1;
      vadd(h, w->neu1e, n);
    }
  }
}

// CBOW with negative sampling (no hierarchical softmax) in two passes over the dimensions, so each
// row is read once per pass instead of once per vector operation:
//   pass 1: h = mean (or sum) of the context rows, and the scores h·out_o, together;
//   pass 2: e = sum_o g_o out_o (old rows); out_o += g_o h; every context row += e.
// Same arithmetic as word2vec.c's CBOW step except that a negative drawn twice sees the first
// update only after the pass (Hogwild-style, harmless).
static void cbow_ns_fused(const Model* m, Worker* w, const int32_t* sent, int lo, int hi, int i,
                          float alpha) {
  const int n = m->stride;
  const int32_t centre = sent[i];
  int32_t* outs = w->outs;
  int no = 0;
  outs[no++] = centre;
  for (int d = 0; d < m->negative; d++)
    if (w->negs[d] != centre) outs[no++] = w->negs[d];
  draw_ahead(m, w);
  int nc = 0;
  int32_t* ctx = w->ctx;
  for (int j = lo; j <= hi; j++)
    if (j != i) ctx[nc++] = sent[j];
  if (nc == 0) return;
  const v128_t vscale = wasm_f32x4_splat(m->cbow_mean ? 1.f / (float)nc : 1.f);
  float* h = w->neu1;
  float* gm = w->gmat;  // scores, then gradients
  // pass 1 (first up to 4 outputs fused with the context sum; more outputs in further passes over h)
  {
    const float* o0 = m->syn1neg + (int64_t)outs[0] * n;
    const float* o1 = m->syn1neg + (int64_t)outs[no > 1 ? 1 : 0] * n;
    const float* o2 = m->syn1neg + (int64_t)outs[no > 2 ? 2 : 0] * n;
    const float* o3 = m->syn1neg + (int64_t)outs[no > 3 ? 3 : 0] * n;
    v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < n; k += 4) {
      v128_t x = wasm_v128_load(m->syn0 + (int64_t)ctx[0] * n + k);
      for (int c = 1; c < nc; c++) x = wasm_f32x4_add(x, wasm_v128_load(m->syn0 + (int64_t)ctx[c] * n + k));
      x = wasm_f32x4_mul(x, vscale);
      wasm_v128_store(h + k, x);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x, wasm_v128_load(o0 + k)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x, wasm_v128_load(o1 + k)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x, wasm_v128_load(o2 + k)));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x, wasm_v128_load(o3 + k)));
    }
    gm[0] = hsum(a0);
    if (no > 1) gm[1] = hsum(a1);
    if (no > 2) gm[2] = hsum(a2);
    if (no > 3) gm[3] = hsum(a3);
  }
  for (int o = 4; o < no; o++) gm[o] = f_dot(h, m->syn1neg + (int64_t)outs[o] * n, n);
  for (int o = 0; o < no; o++) {
    if (m->compute_loss) w->loss += neg_log_sigmoid(m, o == 0 ? gm[o] : -gm[o]);
    gm[o] = logistic_g(m, gm[o], o == 0 ? 1.f : 0.f, alpha);
  }
  if (m->compute_loss) w->loss_terms += 1;
  // pass 2
  const v128_t escale = wasm_f32x4_splat(m->cbow_mean ? 1.f : 1.f / (float)nc);  // sum mode spreads e (gensim)
  for (int k = 0; k < n; k += 4) {
    const v128_t hk = wasm_v128_load(h + k);
    v128_t e = wasm_f32x4_splat(0.f);
    for (int o = 0; o < no; o++) {
      float* row = m->syn1neg + (int64_t)outs[o] * n + k;
      const v128_t g = wasm_f32x4_splat(gm[o]);
      const v128_t y = wasm_v128_load(row);
      e = wasm_f32x4_add(e, wasm_f32x4_mul(g, y));
      wasm_v128_store(row, wasm_f32x4_add(y, wasm_f32x4_mul(g, hk)));
    }
    e = wasm_f32x4_mul(e, escale);
    for (int c = 0; c < nc; c++) {
      float* row = m->syn0 + (int64_t)ctx[c] * n + k;
      wasm_v128_store(row, wasm_f32x4_add(wasm_v128_load(row), e));
    }
  }
}

static void train_sentence_cbow(const Model* m, Worker* w, const int32_t* sent, int len, float alpha) {
  const int n = m->stride;
  float* neu1 = w->neu1;
  float* neu1e = w->neu1e;
  for (int i = 0; i < len; i++) {
    const int32_t centre = sent[i];
    const int b = (int)rng_below(rng_next(w), (uint32_t)m->window);
    const int lo = i - (m->window - b) < 0 ? 0 : i - (m->window - b);
    const int hi = i + (m->window - b) >= len ? len - 1 : i + (m->window - b);
    touch_next(m, w, sent, i, len);
    if (m->negative > 0 && !m->hs) {
      cbow_ns_fused(m, w, sent, lo, hi, i, alpha);
      continue;
    }
    vzero(neu1, n);
    int count = 0;
    for (int j = lo; j <= hi; j++) {
      if (j == i) continue;
      vadd(neu1, m->syn0 + (int64_t)sent[j] * n, n);
      count++;
    }
    if (count == 0) continue;
    const float inv = 1.f / (float)count;
    if (m->cbow_mean) vscale(neu1, inv, n);
    vzero(neu1e, n);
    if (m->hs) hs_step(m, w, neu1, centre, alpha);
    if (m->negative > 0) ns_step(m, w, neu1, centre, alpha);
    if (m->compute_loss) w->loss_terms += 1;
    if (!m->cbow_mean) vscale(neu1e, inv, n);  // sum mode: spread the error (as gensim does)
    for (int j = lo; j <= hi; j++) {
      if (j == i) continue;
      vadd(m->syn0 + (int64_t)sent[j] * n, neu1e, n);
    }
  }
}

// ---------------------------------------------------------------------------------- job entry
// Train on one job: `nbytes` bytes of the encoded corpus stream at `data` (LEB128 varints; value 0
// ends a sentence, value v > 0 is stream id v-1, mapped through remap). Returns 0, or -1 if the
// stream is malformed. Sets w->words (in-vocabulary words read) and w->effective (after sampling).
__attribute__((export_name("w2v_train_job")))
int32_t w2v_train_job(const Model* m, Worker* w, const uint8_t* data, int32_t nbytes, float alpha) {
  const uint8_t* p = data;
  const uint8_t* end = data + nbytes;
  int32_t* sent = w->sent;
  int32_t words = 0, effective = 0;
  int len = 0;
  if (m->negative > 0) draw_ahead(m, w);
  while (p < end) {
    uint32_t v;
    if (varint_next(&p, end, &v)) return -1;
    if (v == 0) {  // end of sentence
      if (len > 1) {
        if (m->sg) train_sentence_sg(m, w, sent, len, alpha);
        else train_sentence_cbow(m, w, sent, len, alpha);
      }
      len = 0;
      continue;
    }
    if (v > (uint32_t)m->remap_size) return -1;
    int32_t id = m->remap[v - 1];
    if (id < 0) continue;
    words++;
    if (m->sample && (uint32_t)(rng_next(w) >> 32) > m->keep[id]) continue;
    sent[len++] = id;
    effective++;
    if (len == m->max_sentence) {  // over-long sentence: train on what we have, go on
      if (m->sg) train_sentence_sg(m, w, sent, len, alpha);
      else train_sentence_cbow(m, w, sent, len, alpha);
      len = 0;
    }
  }
  if (len > 1) {
    if (m->sg) train_sentence_sg(m, w, sent, len, alpha);
    else train_sentence_cbow(m, w, sent, len, alpha);
  }
  w->words = words;
  w->effective = effective;
  return 0;
}

// Initialise the input vectors uniformly in [-1, 1) / dim, as gensim 4 does (word2vec.c uses half
// that range; the wider start measured slightly better for CBOW), padding lanes zero; the output
// matrices are zeroed by the caller (fresh memory is zero).
__attribute__((export_name("w2v_init_vectors")))
void w2v_init_vectors(const Model* m, Worker* w, int32_t first_row) {
  const int n = m->stride;
  const float scale = 1.f / (float)m->dim;
  for (int64_t r = first_row; r < m->vocab_size; r++) {
    float* row = m->syn0 + r * n;
    for (int d = 0; d < n; d++) {
      if (d < m->dim) {
        uint32_t u = (uint32_t)(rng_next(w) >> 40);  // 24 random bits
        row[d] = ((float)u * (2.f / 16777216.f) - 1.f) * scale;
      } else {
        row[d] = 0.f;
      }
    }
  }
}
