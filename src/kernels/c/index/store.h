// The vector store shared by both index kinds: the stored rows, their flags and norms, and the
// code space (int8 or binary codes of the rows, optionally in a rotated basis), plus the per-thread
// work area (Scratch) and the distances between queries, rows and codes. The flat index
// (flat.h) and the HNSW graph (hnsw.h) keep their own structures next to a Store and receive both.
//
// TypeScript owns and lays out all memory (src/ann/kernel/): the structs, the rows, codes and each
// thread's work area live in one shared WebAssembly.Memory, so worker threads can work on one
// index together. These kernels never allocate and use no libc. Every field of a struct shared
// with TypeScript is 4 bytes: scripts/gen-kernel-layout.mjs reads the structs marked "layout:"
// below and writes their slot numbers into src/ann/kernel/layout.generated.ts, and the
// _Static_asserts of layout.generated.h (compiled by layout.c) fail the build if a struct no longer
// matches them.
#ifndef EMBEDKIT_INDEX_STORE_H
#define EMBEDKIT_INDEX_STORE_H
#include <stdint.h>
#include <wasm_simd128.h>
#include "../simd.h"

#define METRIC_L2 0
#define METRIC_IP 1      // distance = -dot
#define METRIC_COSINE 2  // distance = 1 - dot (vectors unit-normalised by the caller)
#define METRIC_HAMMING 3 // distance = popcount(a xor b)

#define FLAG_DELETED 1u  // excluded from results; links repaired by hnsw_repair
#define FLAG_FREE 2u     // slot unused (never inserted, or deleted and repaired)

#define QUANT_NONE 0
#define QUANT_INT8 1     // codes[d] = round((x[d] - offset[d]) / scale[d]), |code| <= 127
#define QUANT_BINARY 2   // codes = sign bits of (x - offset), hamming traversal

// layout: Store
typedef struct {
  int32_t dim;             // dimensions (bits for hamming)
  int32_t stride;          // floats per vector row (dim rounded up to 4); bytes for hamming
  int32_t metric;          // METRIC_*
  int32_t capacity;        // slots allocated
  int32_t count;           // slots in use (high-water mark)
  float* vectors;          // capacity × stride floats (or bytes for hamming)
  uint8_t* flags;          // capacity: FLAG_*
  float* sqnorm;           // capacity: |x|² of the stored vector
  int32_t quant;           // QUANT_*: the code space
  int32_t code_stride;     // bytes per code row (0 without codes)
  int8_t* codes;           // capacity × code_stride
  const float* q_offset;   // dim floats
  const float* q_scale;    // dim floats
  float* code_sqnorm;      // capacity: |x̂|² of the decoded code (L2 traversal)
  float* code_err;         // capacity: |x − x̂|, the quantization error of the row (error bounds)
  float* code_norm;        // capacity: |code| as integers (error bounds)
  int32_t* code_sum;       // capacity: Σ of the row's codes over the first t_dims (relaxed flat screen)
  const float* rot;        // dim×dim rotation (principal axes) the int8 codes are taken in, or 0
  int32_t t_dims;          // with a rotation: code dims of the first screening stage (multiple of 16)
  float* rest_norm;        // with a rotation: |x'| over the dims after t_dims (rotated)
} Store;

// One thread's work area: every kernel call gets one (TypeScript hands each caller its own, see
// src/ann/kernel/work-memory.ts). Buffers a kind does not use are 0.
// layout: Scratch
typedef struct {
  uint16_t* visited;   // capacity tags (HNSW)
  int32_t tag;         // current tag
  float* cand_d;       // candidate min-heap (distance, id)
  int32_t* cand_i;
  int32_t cand_cap;
  float* res_d;        // result max-heap
  int32_t* res_i;
  int32_t res_cap;
  int32_t* nbuf;       // copy of a link list (1 + M0), fresh neighbours, repair candidates
  float* sel_d;        // heuristic selection scratch (res_cap + M0 + 1)
  int32_t* sel_i;
  float* qbuf;         // the query (normalised for cosine); the flat scan's 8 queries and their rotations
  int16_t* qcode;      // the query folded into code space (flat: 2 × 8 rows, see flat_search_pruned)
  float qc_mult;       // traversal distance = qc_add + qc_mult * (qcode · code) (+ code_sqnorm for L2)
  float qc_add;
  int32_t* out_i;      // batch outputs
  float* out_d;
  uint8_t* qbits;      // code_stride bytes: binary query code
  int32_t stats_dist;  // distance computations of the last search
  int32_t rerank;      // 1 = re-rank code-traversal results by exact distance
  float* cq;           // flat: 8 × nlist q·c of the block's queries (cluster-major)
  float* cd;           // flat: 8 × nlist upper bounds of |q − c|
  int32_t* corder;     // flat: clusters in visiting order
  float* ckey;         // flat: lower bound of the block's best distance in each cluster
  int32_t stats_rows;  // rows that reached the integer screen in the last flat search
  int16_t* fold;       // HNSW build: (M0 + 2) × code_stride int16, stored rows folded into query form
  float* fold_am;      // HNSW build: (M0 + 2) × 2, their (qc_add, qc_mult)
  uint8_t* lanes;      // HNSW interleaved batch search: visited bits, then the lanes' buffers
  int32_t lanes_bytes; // its size (0 = search the queries one after the other)
  int32_t lane_count;  // queries searched at once (at most LANES_MAX)
  int32_t lanes_clean; // 1 = every visited bit is clear (left so by the last batch; 0 when planned)
} Scratch;

// ------------------------------------------------------------------------------- distances

// Dot product of any length (a scalar tail after the SIMD part).
static inline float f_dot_n(const float* a, const float* b, int n) {
  const int n4 = n & ~3;
  float t = n4 ? f_dot(a, b, n4) : 0.f;
  for (int i = n4; i < n; i++) t += a[i] * b[i];
  return t;
}

static inline float f_l2(const float* a, const float* b, int n) {
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8));
    v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d0, d0));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(d1, d1));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(d2, d2));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(d3, d3));
  }
  for (; i < n; i += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d, d));
  }
  return hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
}

static inline int32_t hamming(const uint8_t* a, const uint8_t* b, int nbytes) {
  v128_t acc = wasm_i32x4_splat(0);
  int i = 0;
  for (; i + 16 <= nbytes; i += 16) {
    v128_t x = wasm_v128_xor(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t c = wasm_i8x16_popcnt(x);
    acc = wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(c)));
  }
  int32_t s = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) +
              wasm_i32x4_extract_lane(acc, 3);
  for (; i < nbytes; i++) s += __builtin_popcount((uint32_t)(a[i] ^ b[i]));
  return s;
}

// Integer dot of the int16 query code with an int8 row code (n a multiple of 8; the row's code
// bytes are read up to n rounded up to 16), as four partial sums.
static inline v128_t code_dot_lanes(const int16_t* q, const int8_t* c, int n) {
  v128_t a0 = wasm_i32x4_splat(0), a1 = a0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t cv = wasm_v128_load(c + i);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_v128_load(q + i), wasm_i16x8_extend_low_i8x16(cv)));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_v128_load(q + i + 8), wasm_i16x8_extend_high_i8x16(cv)));
  }
  if (i < n) a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_v128_load(q + i), wasm_i16x8_load8x8(c + i)));
  return wasm_i32x4_add(a0, a1);
}

static inline int32_t code_dot(const int16_t* q, const int8_t* c, int n) {
  const v128_t a = code_dot_lanes(q, c, n);
  return wasm_i32x4_extract_lane(a, 0) + wasm_i32x4_extract_lane(a, 1) + wasm_i32x4_extract_lane(a, 2) +
         wasm_i32x4_extract_lane(a, 3);
}

// Bytes of a stored vector row, and between query rows (floats, or packed bits for hamming).
static inline int64_t row_bytes(const Store* x) { return x->metric == METRIC_HAMMING ? x->stride : (int64_t)x->stride * 4; }

// Stored row `id` (floats, or packed bits for hamming, whose stride counts bytes).
static inline const float* row_at(const Store* x, int32_t id) { return (const float*)((const uint8_t*)x->vectors + id * row_bytes(x)); }

// Exact distance between a query vector (floats, or bits for hamming) and stored row `id`.
static inline float dist_query(const Store* x, const float* q, int32_t id) {
  switch (x->metric) {
    case METRIC_L2:
      return f_l2(q, x->vectors + (int64_t)id * x->stride, x->stride);
    case METRIC_IP:
      return -f_dot(q, x->vectors + (int64_t)id * x->stride, x->stride);
    case METRIC_COSINE:
      return 1.f - f_dot(q, x->vectors + (int64_t)id * x->stride, x->stride);
    default:
      return (float)hamming((const uint8_t*)q, (const uint8_t*)x->vectors + (int64_t)id * x->stride, x->stride);
  }
}

// Exact distance between two stored rows.
static inline float dist_nodes(const Store* x, int32_t a, int32_t b) {
  return dist_query(x, row_at(x, a), b);
}

// A query prepared for traversal: the (normalised) vector and its form in code space.
typedef struct {
  float* qbuf;      // the query (stride floats), unit-normalised for cosine
  int16_t* qcode;   // int8 quantization: the query folded into code space
  uint8_t* qbits;   // binary quantization: the query's sign bits
  float qc_mult;    // traversal distance = qc_add + qc_mult * (qcode · code) (+ |x̂|² for L2)
  float qc_add;
  float qlen;       // |q|
  float qerr;       // |w − S·qcode|, the query's share of the error bound (see rerank_bounded)
} Query;

// Code dims a traversal dot product covers: dim rounded up to 8 (code rows are padded to 16 with
// zero codes; 100-d word vectors then take 104 dims instead of 112).
static inline int dot_dims(const Store* x) { return (x->dim + 7) & ~7; }

// Traversal distance of a prepared query to row `id`: from the codes when the index is quantized,
// else exact.
static inline float dist_trav(const Store* x, const Query* Q, int32_t id) {
  if (x->quant == QUANT_INT8) {
    float d = Q->qc_add + Q->qc_mult * (float)code_dot(Q->qcode, x->codes + (int64_t)id * x->code_stride, dot_dims(x));
    return x->metric == METRIC_L2 ? d + x->code_sqnorm[id] : d;
  }
  if (x->quant == QUANT_BINARY)
    return (float)hamming(Q->qbits, (const uint8_t*)x->codes + (int64_t)id * x->code_stride, x->code_stride);
  return dist_query(x, Q->qbuf, id);
}

// dist_trav of four rows of an int8 index at once (their partial sums reduced together); the same
// values as four dist_trav calls.
static inline void dist_trav4(const Store* x, const Query* Q, const int32_t* ids, float* out) {
  const int n = dot_dims(x);
  const int64_t cs = x->code_stride;
  const v128_t a0 = code_dot_lanes(Q->qcode, x->codes + ids[0] * cs, n);
  const v128_t a1 = code_dot_lanes(Q->qcode, x->codes + ids[1] * cs, n);
  const v128_t a2 = code_dot_lanes(Q->qcode, x->codes + ids[2] * cs, n);
  const v128_t a3 = code_dot_lanes(Q->qcode, x->codes + ids[3] * cs, n);
  const v128_t t0 = wasm_i32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  const v128_t t1 = wasm_i32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5), wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  const v128_t dot = wasm_i32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5), wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
  v128_t d = wasm_f32x4_add(wasm_f32x4_splat(Q->qc_add), wasm_f32x4_mul(wasm_f32x4_splat(Q->qc_mult), wasm_f32x4_convert_i32x4(dot)));
  if (x->metric == METRIC_L2)
    d = wasm_f32x4_add(d, wasm_f32x4_make(x->code_sqnorm[ids[0]], x->code_sqnorm[ids[1]], x->code_sqnorm[ids[2]], x->code_sqnorm[ids[3]]));
  wasm_v128_store(out, d);
}

// The constant and factor of a folded query's traversal distance, qc_add + qc_mult·(qcode · code)
// (+ |x̂|² per row for L2), from |q|², q·offset and the fold scale S.
static inline void fold_terms(const Store* x, float norm, float qo, float S, float* add, float* mult) {
  if (x->metric == METRIC_L2) {  // |q|² − 2 q·x̂
    *add = norm - 2.f * qo;
    *mult = -2.f * S;
  } else {  // cosine 1 − q·x̂, inner product −q·x̂
    *add = (x->metric == METRIC_COSINE ? 1.f : 0.f) - qo;
    *mult = -S;
  }
}

// Whether row e may be a result: not deleted or free, and in the allow bitmap if there is one.
static inline int admissible(const Store* x, const uint8_t* allow, int32_t e) {
  return !(x->flags[e] & (FLAG_DELETED | FLAG_FREE)) && (!allow || (allow[e >> 3] >> (e & 7)) & 1);
}

// -------------------------------------------------------------------------- memory requests
// Requests cache lines from memory ahead of their use. WebAssembly has no prefetch instruction;
// the cheapest request is a load whose value is dropped (volatile, so that clang keeps it; V8
// keeps it since a load may trap): one instruction per line, so a burst of requests stays small
// in the reorder buffer and its misses overlap. (Folding the values into a "sink" took ~8
// instructions per line with the loop check and measured 8–17 % slower on batch search.)
#define REQUEST(p) ((void)*(const volatile int32_t*)(p))

// Requests `lines` (≥ 1) cache lines from p on, 64 bytes apart. Straight-line for up to 8 (the
// counts are constant per index, so the branches predict; a loop would add V8's interrupt check
// per line, a switch an indirect jump).
static inline void request_lines(const void* p, int lines) {
  const uint8_t* b = (const uint8_t*)p;
  REQUEST(b);
  if (lines > 1) REQUEST(b + 64);
  if (lines > 2) {
    REQUEST(b + 128);
    if (lines > 3) REQUEST(b + 192);
    if (lines > 4) REQUEST(b + 256);
    if (lines > 5) REQUEST(b + 320);
    if (lines > 6) REQUEST(b + 384);
    if (lines > 7) REQUEST(b + 448);
    for (int i = 8; i < lines; i++) REQUEST(b + 64 * i);
  }
}

static inline int lines_of(int64_t bytes) { return (int)((bytes + 63) >> 6); }

// Requests a stored vector (before exact re-ranking).
static inline void request_vector(const Store* x, int32_t id) {
  request_lines((const uint8_t*)x->vectors + id * row_bytes(x), lines_of(row_bytes(x)));
}

// ----------------------------------------------------------------------------------- queries
// Copies a float query row (stride floats) to dst, unit-normalised for cosine; returns its |q|²
// (1 after normalisation).
static inline float load_query(const Store* x, const float* src, float* dst) {
  const int n = x->stride;  // a multiple of 4
  v128_t acc = wasm_f32x4_splat(0.f);
  for (int i = 0; i < n; i += 4) {
    const v128_t v = wasm_v128_load(src + i);
    wasm_v128_store(dst + i, v);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v));
  }
  float norm = hsum(acc);
  if (x->metric == METRIC_COSINE && norm > 0.f) {
    const v128_t inv = wasm_f32x4_splat(1.f / __builtin_sqrtf(norm));
    for (int i = 0; i < n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_mul(wasm_v128_load(dst + i), inv));
    norm = 1.f;
  }
  return norm;
}

// Prepares a query for traversal: normalises it for cosine and folds it into code space (store.c).
void prepare_query(const Store* x, Query* s, const float* q);
#endif
