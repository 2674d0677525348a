// Doc2Vec training kernels (Le & Mikolov 2014, "Distributed Representations of Sentences and
// Documents"), compiled to WebAssembly SIMD (see build-wasm.sh).
//
// Built on the word2vec engine: the word2vec `Model` struct (word vectors, output weights, sigmoid
// table, subsampling thresholds, noise alias table, Huffman codes) and `Worker` struct are laid out
// and filled by src/vectors/word2vec/layout.ts and write-model.ts, and the word2vec worker threads
// (src/vectors/word2vec/worker.ts) call `d2v_train_job` with the same signature as w2v_train_job.
// This file adds the document vectors in a `D2V` struct (mirrored in src/vectors/doc2vec/layout.ts)
// that points to the word2vec Model.
//
// A job is a run of documents, each as int32 values: n_tags, n_words, the tag rows, the word rows
// (vocabulary ids; words outside the vocabulary were dropped when the job was encoded).
//
// PV-DBOW: every (document tag, word) pair is a skip-gram example whose input is the document
// vector; with dbow_words the words are also trained by skip-gram on their window, interleaved
// word by word as gensim's train_document_dbow does. PV-DM: the input is the mean (or sum) of the
// window's word vectors and the document vectors, as CBOW (gensim's train_document_dm).
// Inference trains one new document vector with learn_words = learn_hidden = 0.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"
#include "simd.h"

#define EXP_TABLE_SIZE 1000
#define MAX_EXP 6

// Same layout as word2vec.c's Model (layout.ts `M`).
typedef struct {
  int32_t stride;
  int32_t window;
  int32_t negative;
  int32_t hs;
  int32_t sg;
  int32_t cbow_mean;
  int32_t shared_neg;
  int32_t vocab_size;
  int32_t max_sentence;
  int32_t compute_loss;
  float* syn0;
  float* syn1neg;
  float* syn1;
  const float* exp_table;
  const float* log_table;
  const uint32_t* keep;
  int32_t sample;
  const uint32_t* alias_prob;
  const int32_t* alias_idx;
  const int32_t* code_offset;
  const uint8_t* code_len;
  const uint8_t* codes;
  const int32_t* points;
  const int32_t* remap;
  int32_t remap_size;
  int32_t dim;
} Model;

// Same layout as word2vec.c's Worker (layout.ts `W`); doc2vec uses sent, neu1, neu1e and the counters.
typedef struct {
  uint64_t rng;
  double loss;
  double loss_terms;
  int32_t* sent;
  float* neu1;
  float* neu1e;
  float* grad;
  float* gmat;
  int32_t* ctx;
  int32_t* outs;
  int32_t effective;
  int32_t words;
  int32_t* negs;
  float sink;
} Worker;

typedef struct {
  const Model* m;         // 0  the word2vec model (words, outputs, tables)
  float* doctags;         // 1  document vectors (n_doctags × stride)
  int32_t n_doctags;      // 2
  int32_t dm;             // 3  1 = PV-DM, 0 = PV-DBOW
  int32_t dbow_words;     // 4  PV-DBOW: also train word vectors by skip-gram
  int32_t learn_words;    // 5  update word vectors
  int32_t learn_hidden;   // 6  update output weights
  int32_t learn_doctags;  // 7  update document vectors
} D2V;

static inline uint64_t rng_next(Worker* w) { return xs64_next(&w->rng); }

// One draw from the noise distribution (alias table): O(1).
static inline int32_t draw_negative(const Model* m, Worker* w) {
  return alias_draw(rng_next(w), m->alias_prob, m->alias_idx, (uint32_t)m->vocab_size);
}

// acc += g * y, and y += g * x only when `learn` (inference keeps the output weights fixed).
static inline void vaxpy_pair_if(float* acc, float* y, float g, const float* x, int n, int learn) {
  if (learn) {
    vaxpy_pair(acc, y, g, x, n);
    return;
  }
  const v128_t vg = wasm_f32x4_splat(g);
  for (int i = 0; i < n; i += 4)
    wasm_v128_store(acc + i, wasm_f32x4_add(wasm_v128_load(acc + i), wasm_f32x4_mul(vg, wasm_v128_load(y + i))));
}

static inline float sigmoid_lookup(const Model* m, float f) {
  return m->exp_table[(int)((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
}

// The error of one (input h, target word) example, accumulated into w->neu1e: hierarchical softmax
// over the target's Huffman path and/or negative sampling (word2vec.c's arithmetic); output rows are
// updated in place when learn_hidden.
static void predict_word(const D2V* d, Worker* w, const float* h, int32_t target, float alpha) {
  const Model* m = d->m;
  const int n = m->stride;
  if (m->hs) {
    const int32_t off = m->code_offset[target];
    const int len = m->code_len[target];
    for (int k = 0; k < len; k++) {
      float* l2 = m->syn1 + (int64_t)m->points[off + k] * n;
      float f = f_dot(h, l2, n);
      if (f <= -MAX_EXP || f >= MAX_EXP) continue;
      float g = (1.f - (float)m->codes[off + k] - sigmoid_lookup(m, f)) * alpha;
      vaxpy_pair_if(w->neu1e, l2, g, h, n, d->learn_hidden);
    }
  }
  for (int k = 0; k <= m->negative && m->negative > 0; k++) {
    int32_t t;
    float label;
    if (k == 0) {
      t = target;
      label = 1.f;
    } else {
      t = draw_negative(m, w);
      if (t == target) continue;
      label = 0.f;
    }
    float* l2 = m->syn1neg + (int64_t)t * n;
    float f = f_dot(h, l2, n);
    float g;
    if (f >= MAX_EXP) g = (label - 1.f) * alpha;
    else if (f <= -MAX_EXP) g = label * alpha;
    else g = (label - sigmoid_lookup(m, f)) * alpha;
    vaxpy_pair_if(w->neu1e, l2, g, h, n, d->learn_hidden);
  }
}

// One skip-gram-style example: input row `in` predicts `target`; `in` += error when learn_in.
static inline void dbow_pair(const D2V* d, Worker* w, float* in, int32_t target, float alpha, int learn_in) {
  vzero(w->neu1e, d->m->stride);
  predict_word(d, w, in, target, alpha);
  if (learn_in) vadd(in, w->neu1e, d->m->stride);
}

// PV-DBOW on one document (gensim train_document_dbow): for each word, the optional skip-gram
// pairs of its window, then one example per document tag.
static void train_doc_dbow(const D2V* d, Worker* w, const int32_t* sent, int len, const int32_t* tags, int ntags,
                           float alpha) {
  const Model* m = d->m;
  const int n = m->stride;
  for (int i = 0; i < len; i++) {
    if (d->dbow_words) {
      const int b = (int)rng_below(rng_next(w), (uint32_t)m->window);  // dynamic window: 1..window
      const int lo = i - (m->window - b) < 0 ? 0 : i - (m->window - b);
      const int hi = i + (m->window - b) >= len ? len - 1 : i + (m->window - b);
      for (int j = lo; j <= hi; j++)
        if (j != i) dbow_pair(d, w, m->syn0 + (int64_t)sent[j] * n, sent[i], alpha, d->learn_words);
    }
    for (int t = 0; t < ntags; t++)
      dbow_pair(d, w, d->doctags + (int64_t)tags[t] * n, sent[i], alpha, d->learn_doctags);
  }
}

// PV-DM on one document (gensim train_document_dm): the input is the mean (cbow_mean) or sum of the
// window's word vectors and the document vectors; the error goes back to all of them (spread by
// 1/count in sum mode, as gensim does).
static void train_doc_dm(const D2V* d, Worker* w, const int32_t* sent, int len, const int32_t* tags, int ntags,
                         float alpha) {
  const Model* m = d->m;
  const int n = m->stride;
  float* h = w->neu1;
  float* e = w->neu1e;
  for (int i = 0; i < len; i++) {
    const int b = (int)rng_below(rng_next(w), (uint32_t)m->window);
    const int lo = i - (m->window - b) < 0 ? 0 : i - (m->window - b);
    const int hi = i + (m->window - b) >= len ? len - 1 : i + (m->window - b);
    vzero(h, n);
    int count = 0;
    for (int j = lo; j <= hi; j++) {
      if (j == i) continue;
      vadd(h, m->syn0 + (int64_t)sent[j] * n, n);
      count++;
    }
    for (int t = 0; t < ntags; t++) vadd(h, d->doctags + (int64_t)tags[t] * n, n);
    count += ntags;
    if (count == 0) continue;
    const float inv = 1.f / (float)count;
    if (m->cbow_mean) vscale(h, inv, n);
    vzero(e, n);
    predict_word(d, w, h, sent[i], alpha);
    if (!m->cbow_mean) vscale(e, inv, n);
    if (d->learn_doctags)
      for (int t = 0; t < ntags; t++) vadd(d->doctags + (int64_t)tags[t] * n, e, n);
    if (d->learn_words)
      for (int j = lo; j <= hi; j++)
        if (j != i) vadd(m->syn0 + (int64_t)sent[j] * n, e, n);
  }
}

// Train on one job of `nbytes` bytes at `data` (see the top of this file). Returns 0, or -1 if the
// job is malformed (sizes or ids out of range). Sets w->words (words read) and w->effective (kept
// after subsampling). Documents longer than max_sentence kept words are cut there (gensim's
// MAX_DOCUMENT_LEN).
__attribute__((export_name("d2v_train_job")))
int32_t d2v_train_job(const D2V* d, Worker* w, const int32_t* data, int32_t nbytes, float alpha) {
  const Model* m = d->m;
  if (nbytes < 0 || (nbytes & 3)) return -1;
  const int32_t* p = data;
  const int32_t* end = data + nbytes / 4;
  int32_t words = 0, effective = 0;
  while (p < end) {
    if (end - p < 2) return -1;
    const int32_t ntags = p[0], nwords = p[1];
    if (ntags < 0 || nwords < 0 || (int64_t)ntags + nwords > end - p - 2) return -1;
    const int32_t* tags = p + 2;
    const int32_t* ids = tags + ntags;
    for (int t = 0; t < ntags; t++)
      if (tags[t] < 0 || tags[t] >= d->n_doctags) return -1;
    int len = 0;
    for (int k = 0; k < nwords; k++) {
      const int32_t id = ids[k];
      if (id < 0 || id >= m->vocab_size) return -1;
      words++;
      if (len == m->max_sentence) continue;
      if (m->sample && (uint32_t)(rng_next(w) >> 32) > m->keep[id]) continue;
      w->sent[len++] = id;
    }
    effective += len;
    if (d->dm) train_doc_dm(d, w, w->sent, len, tags, ntags, alpha);
    else train_doc_dbow(d, w, w->sent, len, tags, ntags, alpha);
    p = ids + nwords;
  }
  w->words = words;
  w->effective = effective;
  return 0;
}

// Initialise rows [first, last) of `rows` uniformly in [-1, 1) / dim (gensim 4's prep_vectors; the
// word rows use w2v_init_vectors), padding lanes zero.
__attribute__((export_name("d2v_init_rows")))
void d2v_init_rows(const D2V* d, Worker* w, float* rows, int32_t first, int32_t last, float scale) {
  const Model* m = d->m;
  const int n = m->stride;
  for (int64_t r = first; r < last; r++) {
    float* row = rows + r * n;
    for (int k = 0; k < n; k++) {
      if (k < m->dim) {
        uint32_t u = (uint32_t)(rng_next(w) >> 40);  // 24 random bits
        row[k] = ((float)u * (2.f / 16777216.f) - 1.f) * scale;
      } else {
        row[k] = 0.f;
      }
    }
  }
}
