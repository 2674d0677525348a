// fastText supervised training kernel (Joulin et al. 2017, "Bag of Tricks for Efficient Text
// Classification"), compiled to WebAssembly SIMD.
//
// An example is a list of input rows (its words, their character n-grams, its hashed word n-grams)
// and one or more labels. The hidden vector is the mean of the input rows; a linear output layer
// over the labels is trained by softmax, hierarchical softmax, one-vs-all or negative sampling, and
// the input gradient, divided by the number of rows (fastText's normalizeGradient for supervised
// models), is added to every input row. Worker threads run this on one shared memory without locks
// (Hogwild, as fastText's threads). Each call trains a contiguous range of examples with a
// learning rate decayed linearly from lr0 to lr1 across the range.
//
// src/vectors/fasttext/supervised/kernel-layout.ts mirrors both structs field-for-field (every field
// is 4 bytes unless noted). Rows are `stride` floats apart (dim rounded up to 4); padding lanes stay
// zero.
#include <stdint.h>
#include <wasm_simd128.h>
#include "rng.h"
#include "simd.h"

#define SIGMOID_TABLE_SIZE 512
#define MAX_SIGMOID 8
#define LOG_TABLE_SIZE 512
#define INIT_BLOCK_ROWS 65536

enum { LOSS_SOFTMAX = 0, LOSS_HS = 1, LOSS_OVA = 2, LOSS_NS = 3 };

typedef struct {
  int32_t stride;               // 0
  int32_t dim;                  // 1
  int32_t rows;                 // 2  input rows (words, then n-gram buckets)
  int32_t nlabels;              // 3
  int32_t loss;                 // 4  LOSS_*
  int32_t neg;                  // 5  negatives per example (ns)
  float* input;                 // 6  rows × stride
  float* output;                // 7  nlabels × stride
  const float* sigmoid;         // 8  SIGMOID_TABLE_SIZE + 1 entries over [-MAX_SIGMOID, MAX_SIGMOID]
  const float* log_table;       // 9  log(p + 1e-5) on LOG_TABLE_SIZE + 1 points of [0, 1] (loss)
  const int32_t* ex_offsets;    // 10 examples + 1 offsets into ex_rows
  const int32_t* ex_rows;       // 11
  const int32_t* lab_offsets;   // 12 examples + 1 offsets into labels
  const int32_t* labels;        // 13
  const int32_t* hs_offsets;    // 14 hs: nlabels + 1 offsets into hs_nodes / hs_codes
  const int32_t* hs_nodes;      // 15 hs: inner-node rows of the output matrix on each label's path
  const uint8_t* hs_codes;      // 16 hs: the branch taken at each node (1 = right)
  const uint32_t* alias_prob;   // 17 ns: label noise distribution (counts^0.5) as an alias table
  const int32_t* alias_idx;     // 18
} Model;

typedef struct {
  uint64_t rng;      // 0
  double loss;       // 8  summed loss of the examples trained
  double examples;   // 16 examples trained
  float* hidden;     // 24 stride floats
  float* grad;       // 28 stride floats
  float* scores;     // 32 nlabels floats
} Worker;

static inline uint64_t rng_next(Worker* w) { return xs64_next(&w->rng); }

static inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// fastText's sigmoid (Loss::sigmoid): a table over [-8, 8], saturated outside.
static inline float sigmoid(const Model* m, float x) {
  if (x < -MAX_SIGMOID) return 0.f;
  if (x > MAX_SIGMOID) return 1.f;
  return m->sigmoid[(int)((x + MAX_SIGMOID) * (SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2))];
}

// -log(p + 1e-5) from a table, as fastText's Loss::log (no libm in the kernels; the loss is only
// reported).
static inline double neg_log(const Model* m, float p) {
  if (p >= 1.f) return 0.0;
  if (p <= 0.f) return -(double)m->log_table[0];
  return -(double)m->log_table[(int)(p * LOG_TABLE_SIZE)];
}

// e^x for x <= 0 (softmax after subtracting the maximum): x = k ln2 + r with |r| <= ln2 / 2, e^r
// by its Taylor polynomial of degree 6 (relative error below 2e-7), 2^k from the exponent bits.
static inline float exp_nonpos(float x) {
  if (x < -87.f) return 0.f;
  const float k = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  const float r = (x - k * 0.693145751953125f) - k * 1.428606765330187045e-06f;
  const float p =
      1.f + r * (1.f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * (0.00833333377f + r * 0.00138888892f)))));
  union {
    uint32_t u;
    float f;
  } two_k = {(uint32_t)((int32_t)k + 127) << 23};
  return p * two_k.f;
}

// binaryLogistic: one logistic output `row` with label `positive` (fastText's
// BinaryLogisticLoss::binaryLogistic); returns its loss.
static inline double logistic(const Model* m, Worker* w, int32_t row, int positive, float lr) {
  const int n = m->stride;
  float* out = m->output + (int64_t)row * n;
  const float score = sigmoid(m, f_dot(w->hidden, out, n));
  vaxpy_pair(w->grad, out, lr * ((positive ? 1.f : 0.f) - score), w->hidden, n);
  return neg_log(m, positive ? score : 1.f - score);
}

static double softmax(const Model* m, Worker* w, int32_t target, float lr) {
  const int n = m->stride;
  const int32_t nl = m->nlabels;
  float* s = w->scores;
  float max = -3.4e38f;
  for (int32_t i = 0; i < nl; i++) {
    s[i] = f_dot(w->hidden, m->output + (int64_t)i * n, n);
    if (s[i] > max) max = s[i];
  }
  float z = 0.f;
  for (int32_t i = 0; i < nl; i++) z += s[i] = exp_nonpos(s[i] - max);
  for (int32_t i = 0; i < nl; i++) s[i] /= z;
  for (int32_t i = 0; i < nl; i++)
    vaxpy_pair(w->grad, m->output + (int64_t)i * n, lr * ((i == target ? 1.f : 0.f) - s[i]), w->hidden, n);
  return neg_log(m, s[target]);
}

// One draw from the noise distribution (alias table): O(1).
static inline int32_t draw_negative(const Model* m, Worker* w) {
  return alias_draw(rng_next(w), m->alias_prob, m->alias_idx, (uint32_t)m->nlabels);
}

// One example (fastText's FastText::supervised + Model::update).
static void train_example(const Model* m, Worker* w, const int32_t* rows, int32_t nrows, const int32_t* labs,
                          int32_t nlabs, float lr) {
  const int n = m->stride;
  float* h = w->hidden;
  vzero(h, n);
  for (int32_t i = 0; i < nrows; i++) vadd(h, m->input + (int64_t)rows[i] * n, n);
  vscale(h, (float)(1.0 / (double)nrows), n);
  vzero(w->grad, n);
  double loss = 0.0;
  if (m->loss == LOSS_OVA) {
    for (int32_t i = 0; i < m->nlabels; i++) {
      int positive = 0;
      for (int32_t k = 0; k < nlabs; k++) positive |= labs[k] == i;
      loss += logistic(m, w, i, positive, lr);
    }
  } else {
    // One label per example, drawn at random among the line's labels.
    const int32_t target = labs[nlabs == 1 ? 0 : rng_below(rng_next(w), (uint32_t)nlabs)];
    if (m->loss == LOSS_SOFTMAX) {
      loss = softmax(m, w, target, lr);
    } else if (m->loss == LOSS_HS) {
      for (int32_t k = m->hs_offsets[target]; k < m->hs_offsets[target + 1]; k++)
        loss += logistic(m, w, m->hs_nodes[k], m->hs_codes[k], lr);
    } else {
      loss = logistic(m, w, target, 1, lr);
      if (m->nlabels > 1) {
        for (int32_t k = 0; k < m->neg; k++) {
          int32_t t;
          do t = draw_negative(m, w);
          while (t == target);
          loss += logistic(m, w, t, 0, lr);
        }
      }
    }
  }
  w->loss += loss;
  w->examples += 1.0;
  vscale(w->grad, (float)(1.0 / (double)nrows), n);
  for (int32_t i = 0; i < nrows; i++) vadd(m->input + (int64_t)rows[i] * n, w->grad, n);
}

// Trains examples first .. first + count - 1, the learning rate going linearly from lr0 to lr1.
__attribute__((export_name("sup_train")))
void sup_train(const Model* m, Worker* w, int32_t first, int32_t count, float lr0, float lr1) {
  const float step = count > 0 ? (lr1 - lr0) / (float)count : 0.f;
  for (int32_t k = 0; k < count; k++) {
    const int32_t e = first + k;
    const int32_t r0 = m->ex_offsets[e], r1 = m->ex_offsets[e + 1];
    const int32_t l0 = m->lab_offsets[e], l1 = m->lab_offsets[e + 1];
    train_example(m, w, m->ex_rows + r0, r1 - r0, m->labels + l0, l1 - l0, lr0 + step * (float)k);
  }
}

// fastText's initialisation: input rows uniform in [-1/dim, 1/dim] (output rows stay zero). Rows
// come in blocks of INIT_BLOCK_ROWS, each drawn from its own stream of (seed, block), so the matrix
// does not depend on which thread initialises which block.
__attribute__((export_name("sup_init_block")))
void sup_init_block(const Model* m, uint32_t seed_lo, uint32_t seed_hi, int32_t block) {
  const int n = m->stride;
  const float scale = 1.f / (float)m->dim;
  Worker w;
  w.rng = splitmix64((((uint64_t)seed_hi << 32) | seed_lo) ^ splitmix64((uint64_t)block));
  if (w.rng == 0) w.rng = 0x9E3779B97F4A7C15ULL;
  const int64_t first = (int64_t)block * INIT_BLOCK_ROWS;
  const int64_t last = first + INIT_BLOCK_ROWS < m->rows ? first + INIT_BLOCK_ROWS : m->rows;
  for (int64_t r = first; r < last; r++) {
    float* row = m->input + r * n;
    for (int d = 0; d < n; d++) {
      if (d < m->dim) {
        const uint32_t u = (uint32_t)(rng_next(&w) >> 40);
        row[d] = ((float)u * (2.f / 16777216.f) - 1.f) * scale;
      } else {
        row[d] = 0.f;
      }
    }
  }
}

// The examples of scanned lines (fastText's Dictionary::getLine for supervised models). `stream`
// holds token ids, -1 ending a line; per token id: its label index (-1 for a word, -2 for a label
// outside the dictionary), its hash, its input rows (tok_rows[tok_row_offsets[t] ..]: its word row
// and character n-gram rows; none for a word outside the vocabulary without n-grams). Word n-grams up to `word_ngrams` are hashed from the
// word hashes (Dictionary::addWordNgrams: 64-bit arithmetic on the sign-extended 32-bit hashes) into
// `bucket` rows after `nwords`, through `prune` (bucket -> kept row, -1 = dropped) when it is set.
// Lines without rows or labels are skipped, as fastText does.
typedef struct {
  const int32_t* stream;           // 0
  int32_t length;                  // 1
  const int32_t* tok_label;        // 2
  const uint32_t* tok_hash;        // 3
  const int32_t* tok_row_offsets;  // 4
  const int32_t* tok_rows;         // 5
  int32_t word_ngrams;             // 6
  int32_t bucket;                  // 7
  int32_t nwords;                  // 8
  const int32_t* prune;            // 9  0 = every bucket kept
  int32_t* ex_offsets;             // 10 out
  int32_t* ex_rows;                // 11 out
  int32_t* lab_offsets;            // 12 out
  int32_t* labels;                 // 13 out
  int32_t* hashes;                 // 14 scratch: the most words of one line
  int32_t examples;                // 15 out: examples written
} Encode;

__attribute__((export_name("sup_encode")))
void sup_encode(Encode* a) {
  int32_t ex = 0, nrows = 0, nlabs = 0;
  int32_t row0 = 0, lab0 = 0, nh = 0;
  a->ex_offsets[0] = 0;
  a->lab_offsets[0] = 0;
  for (int32_t i = 0; i < a->length; i++) {
    const int32_t t = a->stream[i];
    if (t >= 0) {
      if (a->tok_label[t] != -1) {  // a label (-2: one dropped by minCountLabel)
        if (a->tok_label[t] >= 0) a->labels[nlabs++] = a->tok_label[t];
        continue;
      }
      for (int32_t k = a->tok_row_offsets[t]; k < a->tok_row_offsets[t + 1]; k++) a->ex_rows[nrows++] = a->tok_rows[k];
      a->hashes[nh++] = (int32_t)a->tok_hash[t];
      continue;
    }
    // end of a line: its word n-grams, then keep the example if it has rows and labels
    if (a->word_ngrams > 1 && a->bucket > 0) {
      for (int32_t p = 0; p < nh; p++) {
        uint64_t h = (uint64_t)(int64_t)a->hashes[p];
        for (int32_t q = p + 1; q < nh && q < p + a->word_ngrams; q++) {
          h = h * 116049371ULL + (uint64_t)(int64_t)a->hashes[q];
          int32_t id = (int32_t)(h % (uint64_t)a->bucket);
          if (a->prune) id = a->prune[id];
          if (id >= 0) a->ex_rows[nrows++] = a->nwords + id;
        }
      }
    }
    if (nrows > row0 && nlabs > lab0) {
      ex++;
      a->ex_offsets[ex] = row0 = nrows;
      a->lab_offsets[ex] = lab0 = nlabs;
    } else {
      nrows = row0;
      nlabs = lab0;
    }
    nh = 0;
  }
  a->examples = ex;
}
