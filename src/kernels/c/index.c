// Vector index kernels: distances (float, int8 codes, bits), HNSW graph construction and search
// (Malkov & Yashunin 2018), deletion repair, and exact (flat) batched search, compiled to
// WebAssembly SIMD (see build-wasm.sh).
//
// TypeScript owns and lays out all memory (src/ann/kernel/layout.ts): the Index struct, the
// vectors, codes, link lists and each thread's scratch live in one shared WebAssembly.Memory, so
// worker threads can build one graph together. This file never allocates and uses no libc.
// Every struct field is 4 bytes; the layout is mirrored in layout.ts.
#include <stdint.h>
#include <wasm_simd128.h>
#include "simd.h"

#define METRIC_L2 0
#define METRIC_IP 1      // distance = -dot
#define METRIC_COSINE 2  // distance = 1 - dot (vectors unit-normalised by the caller)
#define METRIC_HAMMING 3 // distance = popcount(a xor b)

#define FLAG_DELETED 1u  // excluded from results; links repaired by hnsw_repair
#define FLAG_FREE 2u     // slot unused (never inserted, or deleted and repaired)

#define QUANT_NONE 0
#define QUANT_INT8 1     // codes[d] = round((x[d] - offset[d]) / scale[d]), |code| <= 127
#define QUANT_BINARY 2   // codes = sign bits of (x - offset), hamming traversal

typedef struct {
  int32_t dim;             // 0  dimensions (bits for hamming)
  int32_t stride;          // 1  floats per vector row (dim rounded up to 4); bytes for hamming
  int32_t metric;          // 2
  int32_t capacity;        // 3  slots allocated
  int32_t count;           // 4  slots in use (high-water mark)
  int32_t M;               // 5  links per node on upper levels
  int32_t M0;              // 6  links per node on level 0
  int32_t ef_construction; // 7
  int32_t entry;           // 8  entry point slot, -1 if empty
  int32_t max_level;       // 9
  float* vectors;          // 10 capacity × stride floats (or bytes for hamming); 0 if not kept
  int32_t* links0;         // 11 capacity × (1 + M0): [n, ids...]
  int32_t* upper;          // 12 capacity: offset (in int32) into pool of the node's levels 1..L, or -1
  uint8_t* levels;         // 13 capacity
  uint8_t* flags;          // 14 capacity
  int32_t* locks;          // 15 capacity spin locks
  int32_t* pool;           // 16 upper-level links: per level (1 + M) int32
  int32_t global_lock;     // 17
  int32_t quant;           // 18 QUANT_*
  int8_t* codes;           // 19 capacity × code_stride
  int32_t code_stride;     // 20 bytes per code row (dim rounded up to 16; dim/8 rounded up to 16 for binary)
  const float* q_offset;   // 21 dim floats
  const float* q_scale;    // 22 dim floats
  float* code_sqnorm;      // 23 capacity: |x̂|² of the decoded code (L2 traversal)
  float* sqnorm;           // 24 capacity: |x|² of the stored vector (flat L2)
  int32_t concurrent;      // 25 1 while inserts run: searches then read link lists under locks
  float* code_err;         // 26 capacity: |x − x̂|, the quantization error of the row (flat pruning)
  float* code_norm;        // 27 capacity: |code| as integers (flat pruning)
  const float* rot;        // 28 flat: dim×dim rotation (principal axes) the codes are taken in, or 0
  int32_t t_dims;          // 29 flat: code dims of the first screening stage (multiple of 16)
  float* rest_norm;        // 30 flat: |x'| over the dims after t_dims (rotated)
  int32_t nlist;           // 31 flat: clusters of the stored rows (k-means), 0 = none
  int32_t clustered_end;   // 32 flat: rows [0, clustered_end) are grouped by cluster, the rest is a tail
  const float* cent;       // 33 flat: nlist × stride centroids
  const int32_t* cl_start; // 34 flat: nlist + 1 row offsets of the clusters
  float* cl_r;             // 35 flat: max |x − c| over the cluster's rows
  float* cl_maxce;         // 36 flat: max c·(x − c) over the cluster's rows (inflated)
  float* cl_minsq;         // 37 flat: min |x|² over the cluster's rows
  float* cl_norm;          // 38 flat: |c|
  float* row_e;            // 39 flat: |x − c| of each clustered row (inflated)
  float* row_ce;           // 40 flat: c·(x − c) of each clustered row (inflated)
  int32_t* code_sum;       // 41 capacity: Σ of the row's codes over the first t_dims (flat first stage)
} Index;

typedef struct {
  uint16_t* visited;   // 0  capacity tags
  int32_t tag;         // 1  current tag
  float* cand_d;       // 2  candidate min-heap (distance, id)
  int32_t* cand_i;     // 3
  int32_t cand_cap;    // 4
  float* res_d;        // 5  result max-heap
  int32_t* res_i;      // 6
  int32_t res_cap;     // 7
  int32_t* nbuf;       // 8  copy of a link list (1 + M0)
  float* sel_d;        // 9  heuristic selection scratch (res_cap + M0 + 1)
  int32_t* sel_i;      // 10
  float* qbuf;         // 11 stride floats: the query (normalised for cosine)
  int16_t* qcode;      // 12 code_stride int16: the query folded into code space (flat: 2 × 8 rows, see flat_search_pruned)
  float qc_mult;       // 13 traversal distance = qc_add + qc_mult * (qcode · code) (+ code_sqnorm for L2)
  float qc_add;        // 14
  int32_t* out_i;      // 15 batch outputs
  float* out_d;        // 16
  uint8_t* qbits;      // 17 code_stride bytes: binary query code
  int32_t stats_dist;  // 18 distance computations of the last search
  int32_t rerank;      // 19 1 = re-rank code-traversal results by exact distance
  float* cq;           // 20 flat: 8 × nlist q·c of the block's queries (cluster-major)
  float* cd;           // 21 flat: 8 × nlist upper bounds of |q − c|
  int32_t* corder;     // 22 flat: clusters in visiting order
  float* ckey;         // 23 flat: lower bound of the block's best distance in each cluster
  int32_t stats_rows;  // 24 rows that reached the integer screen in the last flat search
  int16_t* fold;       // 25 (M0 + 2) × code_stride int16: stored rows folded into query form (fold_code)
  float* fold_am;      // 26 (M0 + 2) × 2: their (qc_add, qc_mult)
  uint8_t* lanes;      // 27 interleaved batch search (hnsw_search_batch): visited bits, then the lanes' buffers
  int32_t lanes_bytes; // 28 its size (0 = search the queries one after the other)
  int32_t lane_count;  // 29 queries searched at once (at most LANES_MAX)
  int32_t lanes_clean; // 30 1 = every visited bit is clear (left so by the last batch; 0 when planned)
} Scratch;

// ----------------------------------------------------------------------------------- locks
// A node's lock word is also a sequence counter (odd while a writer holds it). Writers take it with
// a compare-and-swap; readers of a link list take no lock: they copy the list between two reads
// of the counter and retry if a writer was active (a seqlock). A search then issues no locked
// instruction per expansion (each is a full barrier on x86 and stalled the prefetches).
static inline void spin_lock(int32_t* l) {
  for (;;) {
    int32_t v = __atomic_load_n(l, __ATOMIC_RELAXED);
    if (!(v & 1) && __atomic_compare_exchange_n(l, &v, v + 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  }
}
static inline void spin_unlock(int32_t* l) { __atomic_store_n(l, __atomic_load_n(l, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE); }

// Copies the link list (n, ids...) guarded by `l` into dst (at most mmax ids); returns n.
static inline int read_list(int32_t* l, const int32_t* list, int32_t* dst, int mmax) {
  for (;;) {
    const int32_t v = __atomic_load_n(l, __ATOMIC_ACQUIRE);
    if (v & 1) continue;
    const int n = __atomic_load_n(list, __ATOMIC_ACQUIRE);
    if (n < 0 || n > mmax) continue;  // torn by a writer: the counter has moved
    for (int j = 1; j <= n; j++) dst[j] = __atomic_load_n(list + j, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(l, __ATOMIC_ACQUIRE) == v) {
      dst[0] = n;
      return n;
    }
  }
}

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
static inline int64_t row_bytes(const Index* x) { return x->metric == METRIC_HAMMING ? x->stride : (int64_t)x->stride * 4; }

// Stored row `id` (floats, or packed bits for hamming, whose stride counts bytes).
static inline const float* row_at(const Index* x, int32_t id) { return (const float*)((const uint8_t*)x->vectors + id * row_bytes(x)); }

// Exact distance between a query vector (floats, or bits for hamming) and stored row `id`.
static inline float dist_query(const Index* x, const float* q, int32_t id) {
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
static inline float dist_nodes(const Index* x, int32_t a, int32_t b) {
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
static inline int dot_dims(const Index* x) { return (x->dim + 7) & ~7; }

// Traversal distance of a prepared query to row `id`: from the codes when the index is quantized,
// else exact.
static inline float dist_trav(const Index* x, const Query* Q, int32_t id) {
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
static inline void dist_trav4(const Index* x, const Query* Q, const int32_t* ids, float* out) {
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

// ------------------------------------------------------------------------------------ heaps
// Min-heap (candidates: closest first) and max-heap (results: farthest first) on (d, i) arrays.

// Places (v, id) at hole `i` of the n-entry max-heap and sifts it down to its place.
static inline void max_sift_down(float* d, int32_t* ids, int n, int i, float v, int32_t id) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && d[c + 1] > d[c]) c++;
    if (d[c] <= v) break;
    d[i] = d[c];
    ids[i] = ids[c];
    i = c;
  }
  d[i] = v;
  ids[i] = id;
}

// The same for a min-heap.
static inline void min_sift_down(float* d, int32_t* ids, int n, int i, float v, int32_t id) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && d[c + 1] < d[c]) c++;
    if (d[c] >= v) break;
    d[i] = d[c];
    ids[i] = ids[c];
    i = c;
  }
  d[i] = v;
  ids[i] = id;
}

static inline void min_push(float* d, int32_t* ids, int* n, float v, int32_t id) {
  int i = (*n)++;
  while (i > 0) {
    int p = (i - 1) >> 1;
    if (d[p] <= v) break;
    d[i] = d[p];
    ids[i] = ids[p];
    i = p;
  }
  d[i] = v;
  ids[i] = id;
}
static inline void min_pop(float* d, int32_t* ids, int* n) {
  const int last = --(*n);
  if (last > 0) min_sift_down(d, ids, last, 0, d[last], ids[last]);
}
static inline void max_push(float* d, int32_t* ids, int* n, float v, int32_t id) {
  int i = (*n)++;
  while (i > 0) {
    int p = (i - 1) >> 1;
    if (d[p] >= v) break;
    d[i] = d[p];
    ids[i] = ids[p];
    i = p;
  }
  d[i] = v;
  ids[i] = id;
}
static inline void max_pop(float* d, int32_t* ids, int* n) {
  const int last = --(*n);
  if (last > 0) max_sift_down(d, ids, last, 0, d[last], ids[last]);
}

// Replaces the root (the largest) of a non-empty max-heap by (v, id) with v no larger, in one
// sift-down: a push followed by a pop did two.
static inline void max_replace_top(float* d, int32_t* ids, int n, float v, int32_t id) { max_sift_down(d, ids, n, 0, v, id); }

// Turns (d, ids) into a min-heap in place.
static void min_heapify(float* d, int32_t* ids, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) min_sift_down(d, ids, n, i, d[i], ids[i]);
}

// Sorts (d, i) ascending by d: insertion sort for short arrays, heapsort for long ones (the ef
// candidates of an insert can be hundreds long).
static void sort_pairs(float* d, int32_t* ids, int n) {
  if (n <= 32) {
    for (int a = 1; a < n; a++) {
      float v = d[a];
      int32_t id = ids[a];
      int b = a - 1;
      while (b >= 0 && d[b] > v) {
        d[b + 1] = d[b];
        ids[b + 1] = ids[b];
        b--;
      }
      d[b + 1] = v;
      ids[b + 1] = id;
    }
    return;
  }
  // heapify as a max-heap, then move the max to the end repeatedly
  for (int i = n / 2 - 1; i >= 0; i--) max_sift_down(d, ids, n, i, d[i], ids[i]);
  for (int end = n - 1; end > 0; end--) {
    const float v = d[end];
    const int32_t id = ids[end];
    d[end] = d[0];
    ids[end] = ids[0];
    max_sift_down(d, ids, end, 0, v, id);
  }
}

// ------------------------------------------------------------------------------- link lists
static inline int32_t* links_at(const Index* x, int32_t id, int level) {
  if (level == 0) return x->links0 + (int64_t)id * (1 + x->M0);
  return x->pool + x->upper[id] + (int64_t)(level - 1) * (1 + x->M);
}

static inline void next_tag(const Index* x, Scratch* s) {
  if (++s->tag > 65535) {
    for (int32_t i = 0; i < x->capacity; i++) s->visited[i] = 0;
    s->tag = 1;
  }
}

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

// Where the rows a traversal distance reads live: the codes, or the vectors without codes.
typedef struct {
  const uint8_t* base;
  int64_t stride;  // bytes
  int lines;       // cache lines requested per row
} RowSource;

static inline RowSource row_source(const Index* x) {
  RowSource r;
  if (x->quant != QUANT_NONE) {
    r.base = (const uint8_t*)x->codes;
    r.stride = x->code_stride;
  } else {
    r.base = (const uint8_t*)x->vectors;
    r.stride = row_bytes(x);
  }
  r.lines = lines_of(r.stride);
  return r;
}

// Requests the rows of nodes ids[0..n). The common row sizes get their own loops: per-row branches
// on the size, or fields reloaded per row, cost as much as the requests (measured 13 % slower).
static void request_rows(const RowSource r, const int32_t* ids, int n) {
  if (r.lines == 2)
    for (int j = 0; j < n; j++) {
      const uint8_t* p = r.base + ids[j] * r.stride;
      REQUEST(p);
      REQUEST(p + 64);
    }
  else if (r.lines == 1)
    for (int j = 0; j < n; j++) REQUEST(r.base + ids[j] * r.stride);
  else
    for (int j = 0; j < n; j++) request_lines(r.base + ids[j] * r.stride, r.lines);
}

// Requests a stored vector (before exact re-ranking).
static inline void request_vector(const Index* x, int32_t id) {
  request_lines((const uint8_t*)x->vectors + id * row_bytes(x), lines_of(row_bytes(x)));
}

// Whether node e may be a result: not deleted or free, and in the allow bitmap if there is one.
static inline int admissible(const Index* x, const uint8_t* allow, int32_t e) {
  return !(x->flags[e] & (FLAG_DELETED | FLAG_FREE)) && (!allow || (allow[e >> 3] >> (e & 7)) & 1);
}

// The candidate and result sets of a beam search (HNSW Algorithm 2) in one of two forms that
// expand the same nodes in the same order (ties aside):
// - heaps (any ef; builds): candidates in a min-heap, results in a max-heap whose root is the bound;
// - a pool (ef <= POOL_MAX_EF; searches): the results sorted by distance with an "expanded" flag,
//   the next candidate being the first result not yet expanded (a candidate farther than the ef-th
//   result is never expanded, so the admissible candidates worth keeping are exactly the results);
//   only nodes that cannot be results (deleted, filtered out) wait in the min-heap. One insertion
//   into a short sorted array costs less than a push into each heap: +2–5 % on batches (gcide100
//   ef 40, gauss128 ef 20); the shifting makes it slower past ef ≈ 160.
#define POOL_MAX_EF 128

typedef struct {
  float* rd;  // results: max-heap, or the sorted pool
  int32_t* ri;
  float* cd;  // candidates: min-heap (pool form: the non-admissible ones only)
  int32_t* ci;
  int32_t* px;  // pool form: 1 = expanded
  int nr, nc, cur, ef, cap, pool;
  float bound;  // heap form: the farthest result once there are ef
} Beam;

// Inserts an admissible (d, e) into a pool with room or beating its last entry.
__attribute__((always_inline)) static inline void pool_insert(Beam* B, float d, int32_t e) {
  float* pd = B->rd;
  int32_t* pi = B->ri;
  int32_t* px = B->px;
  const int n = B->nr;
  int lo = 0, hi = n;  // first entry farther than d (equal distances keep their order)
  while (lo < hi) {
    const int mid = (lo + hi) >> 1;
    if (pd[mid] <= d) lo = mid + 1;
    else hi = mid;
  }
  const int last = n < B->ef ? n : B->ef - 1;  // the last entry falls off a full pool
  for (int i = last; i > lo; i--) {
    pd[i] = pd[i - 1];
    pi[i] = pi[i - 1];
    px[i] = px[i - 1];
  }
  pd[lo] = d;
  pi[lo] = e;
  px[lo] = 0;
  if (n < B->ef) B->nr = n + 1;
  if (lo < B->cur) B->cur = lo;
}

// One scored node offered to the beam: a candidate if it can still matter (fewer than ef results,
// or closer than the farthest), and a result if it is admissible. One function per form, so that
// the scoring loops are specialised (a branch on the form per node cost several %).
static inline void pool_offer(const Index* x, const uint8_t* allow, Beam* B, float d, int32_t e) {
  if (!(B->nr < B->ef || d < B->rd[B->nr - 1])) return;
  if (admissible(x, allow, e)) pool_insert(B, d, e);
  else if (B->nc < B->cap) min_push(B->cd, B->ci, &B->nc, d, e);
}

static inline void heap_offer(const Index* x, const uint8_t* allow, Beam* B, float d, int32_t e) {
  if (B->nr < B->ef || d < B->bound) {
    if (B->nc < B->cap) min_push(B->cd, B->ci, &B->nc, d, e);
    if (admissible(x, allow, e)) {
      if (B->nr < B->ef) max_push(B->rd, B->ri, &B->nr, d, e);
      else max_replace_top(B->rd, B->ri, B->nr, d, e);  // d < bound = the root
      B->bound = B->rd[0];
    }
  }
}

// Starts a beam at the entry point.
static inline void beam_start(const Index* x, const uint8_t* allow, Beam* B, float d, int32_t ep) {
  B->nr = B->nc = B->cur = 0;
  B->bound = 3.4e38f;
  if (B->pool) {
    if (admissible(x, allow, ep)) pool_insert(B, d, ep);
    else min_push(B->cd, B->ci, &B->nc, d, ep);
    return;
  }
  min_push(B->cd, B->ci, &B->nc, d, ep);
  if (admissible(x, allow, ep)) {
    max_push(B->rd, B->ri, &B->nr, d, ep);
    B->bound = d;
  }
}

// Index of the first pool entry from `from` on not yet expanded (B->nr if none).
static inline int pool_unexpanded(const Beam* B, int from) {
  while (from < B->nr && B->px[from]) from++;
  return from;
}

// The next node to expand (the closest candidate not farther than the bound), or -1: the search
// is over.
__attribute__((always_inline)) static inline int32_t beam_next(Beam* B) {
  if (B->pool) {
    B->cur = pool_unexpanded(B, B->cur);
    const float pd = B->cur < B->nr ? B->rd[B->cur] : 3.4e38f;
    if (B->nc > 0 && B->cd[0] < pd && (B->nr < B->ef || B->cd[0] <= B->rd[B->nr - 1])) {
      const int32_t c = B->ci[0];
      min_pop(B->cd, B->ci, &B->nc);
      return c;
    }
    if (B->cur < B->nr) {
      B->px[B->cur] = 1;
      return B->ri[B->cur];
    }
    return -1;
  }
  if (B->nc == 0 || (B->cd[0] > B->bound && B->nr >= B->ef)) return -1;
  const int32_t c = B->ci[0];
  min_pop(B->cd, B->ci, &B->nc);
  return c;
}

// The likely next node to expand after the current one (to request its link list early), or -1.
static inline int32_t beam_peek(const Beam* B) {
  if (B->pool) {
    const int c = pool_unexpanded(B, B->cur);
    return c < B->nr ? B->ri[c] : (B->nc > 0 ? B->ci[0] : -1);
  }
  return B->nc > 0 ? B->ci[0] : -1;
}

// Scores the fresh nodes ids[0..m) with `offer` (int8 codes four at a time).
#define BEAM_SCORE(offer)                                                                                       \
  do {                                                                                                          \
    int j = 0;                                                                                                  \
    if (use_codes && x->quant == QUANT_INT8)                                                                    \
      for (; j + 4 <= m; j += 4) {                                                                              \
        float d4[4];                                                                                            \
        dist_trav4(x, Q, ids + j, d4);                                                                          \
        for (int t = 0; t < 4; t++) offer(x, allow, &b, d4[t], ids[j + t]);                                     \
      }                                                                                                         \
    for (; j < m; j++) offer(x, allow, &b, use_codes ? dist_trav(x, Q, ids[j]) : dist_query(x, Q->qbuf, ids[j]), ids[j]); \
  } while (0)

// Scores the fresh nodes ids[0..m) and offers them to the beam.
__attribute__((always_inline)) static inline void beam_score(const Index* x, const Query* Q, const uint8_t* allow, Beam* B, const int32_t* ids, int m,
                              int use_codes) {
  Beam b = *B;  // a local copy: its counters stay in registers
  if (b.pool) BEAM_SCORE(pool_offer);
  else BEAM_SCORE(heap_offer);
  *B = b;
}

// Beam search on one level (HNSW Algorithm 2). Results (up to ef) are left in s->res_d/res_i with
// the count returned: a max-heap, or sorted by distance with `pool` (see Beam). `allow` (bitmap,
// optional) and deleted/free flags keep nodes out of the results but not out of the traversal.
// `locked` copies link lists under their node's lock (needed while other threads insert).
static int search_layer(const Index* x, Scratch* s, const Query* Q, int32_t ep, int level, int ef,
                        const uint8_t* allow, int use_codes, int locked, int pool) {
  next_tag(x, s);
  const uint16_t tag = (uint16_t)s->tag;
  const int mmax = level == 0 ? x->M0 : x->M;
  Beam B = {s->res_d, s->res_i, s->cand_d, s->cand_i, s->sel_i, 0, 0, 0, ef, s->cand_cap, pool, 0.f};
  beam_start(x, allow, &B, use_codes ? dist_trav(x, Q, ep) : dist_query(x, Q->qbuf, ep), ep);
  int32_t dist_count = 1;
  s->visited[ep] = tag;
  const RowSource rows = row_source(x);
  for (int32_t c; (c = beam_next(&B)) >= 0;) {
    const int32_t ahead = beam_peek(&B);  // the next expansion's list, ahead (all its cache lines)
    if (ahead >= 0) request_lines(links_at(x, ahead, level), lines_of((mmax + 1) * 4));
    int32_t* list = links_at(x, c, level);
    int32_t* nb = list;
    if (locked) {
      read_list(&x->locks[c], list, s->nbuf, mmax);
      nb = s->nbuf;
    }
    // Pass 1: the unvisited neighbours, with their rows requested from memory all at once (their
    // cache misses then overlap instead of being paid one distance at a time).
    const int n = nb[0];
    int32_t* fresh = s->nbuf + x->M0 + 1;
    int m = 0;
    for (int j = 1; j <= n; j++) {  // branch-free: the visited test is a coin flip for the predictor
      const int32_t e = nb[j];
      fresh[m] = e;
      m += s->visited[e] != tag;
      s->visited[e] = tag;
    }
    request_rows(rows, fresh, m);
    // Pass 2: distances and beam updates.
    beam_score(x, Q, allow, &B, fresh, m, use_codes);
    dist_count += m;
  }
  s->stats_dist += dist_count;
  return B.nr;
}

// Greedy descent on one upper level: the closest node reachable by always moving closer.
// With a prepared query `Q` of a quantized index the descent uses the traversal codes (it only picks
// the entry point of the next level); without one (inserts), exact distances.
// A node is scored at most once per descent (visited tags, new for each descent): a node scored
// before was then no closer than the current best, which only gets closer, so skipping it changes
// nothing. (The upper levels are about a quarter of a query's distances; hnswlib scores the
// overlapping neighbour lists again, a sixth to a quarter of those.)
static int32_t greedy(const Index* x, Scratch* s, const float* q, const Query* Q, int32_t ep, int level, int locked) {
  const int codes = Q && x->quant != QUANT_NONE;
  const uint16_t tag = (uint16_t)s->tag;
  s->visited[ep] = tag;
  float d = codes ? dist_trav(x, Q, ep) : dist_query(x, q, ep);
  int changed = 1;
  while (changed) {
    changed = 0;
    int32_t* list = links_at(x, ep, level);
    int32_t* nb = list;
    if (locked) {
      read_list(&x->locks[ep], list, s->nbuf, level == 0 ? x->M0 : x->M);
      nb = s->nbuf;
    }
    const int n = nb[0];
    for (int j = 1; j <= n; j++) {
      if (s->visited[nb[j]] == tag) continue;
      s->visited[nb[j]] = tag;
      float dd = codes ? dist_trav(x, Q, nb[j]) : dist_query(x, q, nb[j]);
      if (dd < d) {
        d = dd;
        ep = nb[j];
        changed = 1;
      }
    }
  }
  return ep;
}

// The constant and factor of a folded query's traversal distance, qc_add + qc_mult·(qcode · code)
// (+ |x̂|² per row for L2), from |q|², q·offset and the fold scale S.
static inline void fold_terms(const Index* x, float norm, float qo, float S, float* add, float* mult) {
  if (x->metric == METRIC_L2) {  // |q|² − 2 q·x̂
    *add = norm - 2.f * qo;
    *mult = -2.f * S;
  } else {  // cosine 1 − q·x̂, inner product −q·x̂
    *add = (x->metric == METRIC_COSINE ? 1.f : 0.f) - qo;
    *mult = -S;
  }
}

// Folds stored row `id`'s int8 code into query form, as prepare_query does for a float query but
// from the decoded code x̂ = offset + scale·code, so that the distance between two stored rows is
// am[0] + am[1]·(fold · code) (+ |x̂|² for L2) without reading either float vector. The build of a
// quantized index works on codes only: they are 4× smaller than the vectors and, for an index
// larger than the cache, the float reads were a third of the build time (gauss128).
static void fold_code(const Index* x, int32_t id, int16_t* out, float* am) {
  const int8_t* c = x->codes + (int64_t)id * x->code_stride;
  const float* off = x->q_offset;
  const float* sc = x->q_scale;
  const int n4 = x->dim & ~3;
  v128_t vqo = wasm_f32x4_splat(0.f), vnorm = vqo, vmax = vqo;
  for (int d = 0; d < n4; d += 4) {
    const v128_t cv = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(c + d))));
    const v128_t o = wasm_v128_load(off + d), k = wasm_v128_load(sc + d);
    const v128_t v = wasm_f32x4_add(o, wasm_f32x4_mul(k, cv));
    vqo = wasm_f32x4_add(vqo, wasm_f32x4_mul(v, o));
    vnorm = wasm_f32x4_add(vnorm, wasm_f32x4_mul(v, v));
    vmax = wasm_f32x4_max(vmax, wasm_f32x4_abs(wasm_f32x4_mul(v, k)));
  }
  float qo = hsum(vqo), norm = hsum(vnorm), wmax = hmax(vmax);
  for (int d = n4; d < x->dim; d++) {
    const float v = off[d] + sc[d] * (float)c[d];
    qo += v * off[d];
    norm += v * v;
    const float a = v * sc[d] < 0 ? -v * sc[d] : v * sc[d];
    if (a > wmax) wmax = a;
  }
  const float S = wmax > 0.f ? wmax / 4095.f : 1.f;
  const float inv = 1.f / S;
  const v128_t vinv = wasm_f32x4_splat(inv);
  for (int d = 0; d < n4; d += 4) {
    const v128_t cv = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(c + d))));
    const v128_t k = wasm_v128_load(sc + d);
    const v128_t w = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_add(wasm_v128_load(off + d), wasm_f32x4_mul(k, cv)), k), vinv);
    const v128_t t = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(w));
    wasm_v128_store64_lane(out + d, wasm_i16x8_narrow_i32x4(t, t), 0);
  }
  for (int d = n4; d < x->dim; d++) {
    const float t = (off[d] + sc[d] * (float)c[d]) * sc[d] * inv;
    out[d] = (int16_t)(t < 0 ? t - 0.5f : t + 0.5f);
  }
  for (int d = x->dim; d < x->code_stride; d++) out[d] = 0;
  fold_terms(x, norm, qo, S, am, am + 1);
}

// Distance from a folded row (fold, am) to stored row `id`, from the codes.
static inline float dist_fold(const Index* x, const int16_t* fold, const float* am, int32_t id) {
  const float d = am[0] + am[1] * (float)code_dot(fold, x->codes + (int64_t)id * x->code_stride, dot_dims(x));
  return x->metric == METRIC_L2 ? d + x->code_sqnorm[id] : d;
}

// Neighbour selection heuristic (HNSW Algorithm 4, hnswlib getNeighborsByHeuristic2): from the
// candidates in ascending distance to the base, keep e unless some kept r is closer to e than the
// base is. Leaves the kept ones first in (d, ids), ascending, and returns how many (<= m). The
// candidates are popped from a min-heap, so only as many are ordered as the selection looks at
// (it usually stops well before the end of ef candidates). With `codes` (int8), each kept row is
// folded once and compared with later candidates by integer dot products (no float reads).
static int select_heuristic(const Index* x, Scratch* s, float* d, int32_t* ids, int n, int m, int codes) {
  if (n <= m) {
    sort_pairs(d, ids, n);
    return n;
  }
  const int cs = x->code_stride;
  float kd[m];
  int32_t ki[m];
  int kept = 0;
  int left = n;
  min_heapify(d, ids, left);
  while (left > 0 && kept < m) {
    const float da = d[0];
    const int32_t a = ids[0];
    min_pop(d, ids, &left);
    int good = 1;
    for (int r = 0; r < kept; r++) {
      const float dr = codes ? dist_fold(x, s->fold + r * cs, s->fold_am + 2 * r, a) : dist_nodes(x, a, ki[r]);
      if (dr < da) {
        good = 0;
        break;
      }
    }
    if (good) {
      if (codes && kept + 1 < m) fold_code(x, a, s->fold + kept * cs, s->fold_am + 2 * kept);
      kd[kept] = da;
      ki[kept] = a;
      kept++;
    }
  }
  for (int j = 0; j < kept; j++) {
    d[j] = kd[j];
    ids[j] = ki[j];
  }
  return kept;
}

// Adds link `q` to node e's list at `level`, shrinking it with the heuristic when full.
static void add_link(const Index* x, Scratch* s, int32_t e, int32_t q, int level) {
  const int mmax = level == 0 ? x->M0 : x->M;
  spin_lock(&x->locks[e]);
  int32_t* list = links_at(x, e, level);
  const int n = list[0];
  int present = 0;
  for (int j = 1; j <= n; j++)
    if (list[j] == q) present = 1;
  if (!present) {
    if (n < mmax) {
      list[n + 1] = q;
      list[0] = n + 1;
    } else {
      float* d = s->sel_d;
      int32_t* ids = s->sel_i;
      for (int j = 0; j < n; j++) ids[j] = list[j + 1];
      ids[n] = q;
      const int codes = x->quant == QUANT_INT8;
      int16_t* fe = s->fold + (x->M0 + 1) * x->code_stride;  // e folded, past the heuristic's folds
      float* ae = s->fold_am + 2 * (x->M0 + 1);
      if (codes) fold_code(x, e, fe, ae);
      for (int j = 0; j <= n; j++) d[j] = codes ? dist_fold(x, fe, ae, ids[j]) : dist_nodes(x, e, ids[j]);
      const int k = select_heuristic(x, s, d, ids, n + 1, mmax, codes);
      for (int j = 0; j < k; j++) list[j + 1] = ids[j];
      list[0] = k;
    }
  }
  spin_unlock(&x->locks[e]);
}

static void prepare_query(const Index* x, Query* s, const float* q);

// Inserts the vector already stored in slot `q` (level set in levels[q], upper links reserved).
static void insert(Index* x, Scratch* s, int32_t q) {
  const int level = x->levels[q];
  const float* v = row_at(x, q);
  // links of q start empty
  for (int l = 0; l <= level; l++) links_at(x, q, l)[0] = 0;
  spin_lock(&x->global_lock);
  int32_t ep = x->entry;
  const int top = x->max_level;
  if (ep < 0) {
    x->entry = q;
    x->max_level = level;
    spin_unlock(&x->global_lock);
    return;
  }
  const int raise = level > top;
  if (!raise) spin_unlock(&x->global_lock);  // keep holding it while q becomes the new top
  // A quantized index also builds on its traversal codes (4× less memory per distance). With int8
  // codes the neighbour selection uses them too (fold_code); binary codes are too coarse for it, so
  // the candidates are re-scored exactly first.
  const int codes = x->quant != QUANT_NONE;
  const int int8 = x->quant == QUANT_INT8;
  Query Qv = {(float*)v, 0, 0, 0.f, 0.f, 0.f, 0.f};
  if (codes) {
    Qv.qbuf = s->qbuf;
    Qv.qcode = s->qcode;
    Qv.qbits = s->qbits;
    prepare_query(x, &Qv, v);
  }
  next_tag(x, s);  // one visited set for the whole descent (see greedy)
  for (int l = top; l > level; l--) ep = greedy(x, s, v, codes ? &Qv : 0, ep, l, 1);
  for (int l = (level < top ? level : top); l >= 0; l--) {
    int nr = search_layer(x, s, &Qv, ep, l, x->ef_construction, 0, codes, 1, 0);
    if (codes && !int8) {
      for (int j = 0; j < nr; j++) request_vector(x, s->res_i[j]);  // all first: their misses overlap
      for (int j = 0; j < nr; j++) s->res_d[j] = dist_nodes(x, q, s->res_i[j]);
    }
    // closest result becomes the next level's entry
    float best = 3.4e38f;
    for (int j = 0; j < nr; j++) {
      s->sel_d[j] = s->res_d[j];
      s->sel_i[j] = s->res_i[j];
      if (s->res_d[j] < best) {
        best = s->res_d[j];
        ep = s->res_i[j];
      }
    }
    const int k = select_heuristic(x, s, s->sel_d, s->sel_i, nr, x->M, int8);
    int32_t* mine = links_at(x, q, l);
    spin_lock(&x->locks[q]);
    for (int j = 0; j < k; j++) {
      mine[j + 1] = s->sel_i[j];
      s->nbuf[j] = s->sel_i[j];  // add_link below reuses sel_*; other threads may extend `mine`
    }
    mine[0] = k;
    spin_unlock(&x->locks[q]);
    for (int j = 0; j < k; j++)
      if (s->nbuf[j] != q) add_link(x, s, s->nbuf[j], q, l);
  }
  if (raise) {
    x->entry = q;
    x->max_level = level;
    spin_unlock(&x->global_lock);
  }
}

// Inserts the n slots listed at `slots`, shared between threads through the atomic counter at
// `next` (each thread takes the next slot in the list).
__attribute__((export_name("hnsw_insert_list")))
void hnsw_insert_list(Index* x, Scratch* s, const int32_t* slots, int32_t n, int32_t* next) {
  for (;;) {
    int32_t i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (i >= n) break;
    insert(x, s, slots[i]);
  }
}

// ------------------------------------------------------------------------------- queries
// Copies a float query row (stride floats) to dst, unit-normalised for cosine; returns its |q|²
// (1 after normalisation).
static float load_query(const Index* x, const float* src, float* dst) {
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

// Prepares the query for traversal: normalises for cosine, and folds it into code space:
// q·x̂ = q·offset + Σ (q_d scale_d) code_d ≈ q·offset + S Σ qcode_d code_d with qcode = round(w/S).
static void prepare_query(const Index* x, Query* s, const float* q) {
  const int n = x->stride;
  if (x->metric == METRIC_HAMMING) {
    for (int i = 0; i < n; i++) ((uint8_t*)s->qbuf)[i] = ((const uint8_t*)q)[i];
    return;
  }
  const float norm = load_query(x, q, s->qbuf);
  if (x->quant == QUANT_INT8) {
    float* w = s->qbuf + n;  // scratch after the query (qbuf has room for 4 rows)
    const int n4 = x->dim & ~3;
    v128_t vqo = wasm_f32x4_splat(0.f), vmax = vqo;
    for (int d = 0; d < n4; d += 4) {
      const v128_t q4 = wasm_v128_load(s->qbuf + d);
      const v128_t w4 = wasm_f32x4_mul(q4, wasm_v128_load(x->q_scale + d));
      wasm_v128_store(w + d, w4);
      vqo = wasm_f32x4_add(vqo, wasm_f32x4_mul(q4, wasm_v128_load(x->q_offset + d)));
      vmax = wasm_f32x4_max(vmax, wasm_f32x4_abs(w4));
    }
    float qo = hsum(vqo), wmax = hmax(vmax);
    for (int d = n4; d < x->dim; d++) {
      qo += s->qbuf[d] * x->q_offset[d];
      w[d] = s->qbuf[d] * x->q_scale[d];
      const float a = w[d] < 0 ? -w[d] : w[d];
      if (a > wmax) wmax = a;
    }
    const float S = wmax > 0.f ? wmax / 4095.f : 1.f;
    const float inv = 1.f / S;
    const v128_t vinv = wasm_f32x4_splat(inv), vS = wasm_f32x4_splat(S);
    v128_t ve2 = wasm_f32x4_splat(0.f);
    for (int d = 0; d < n4; d += 4) {
      const v128_t w4 = wasm_v128_load(w + d);
      const v128_t r = wasm_f32x4_nearest(wasm_f32x4_mul(w4, vinv));
      const v128_t t = wasm_i32x4_trunc_sat_f32x4(r);
      wasm_v128_store64_lane(s->qcode + d, wasm_i16x8_narrow_i32x4(t, t), 0);
      const v128_t e = wasm_f32x4_sub(w4, wasm_f32x4_mul(vS, r));
      ve2 = wasm_f32x4_add(ve2, wasm_f32x4_mul(e, e));
    }
    float e2 = hsum(ve2);
    for (int d = n4; d < x->dim; d++) {
      const float t = w[d] * inv;
      s->qcode[d] = (int16_t)(t < 0 ? t - 0.5f : t + 0.5f);
      const float e = w[d] - S * (float)s->qcode[d];
      e2 += e * e;
    }
    for (int d = x->dim; d < x->code_stride; d++) s->qcode[d] = 0;
    s->qlen = __builtin_sqrtf(norm);
    s->qerr = __builtin_sqrtf(e2) * 1.001f + 1e-7f;
    fold_terms(x, norm, qo, S, &s->qc_add, &s->qc_mult);
  } else if (x->quant == QUANT_BINARY) {
    for (int b = 0; b < x->code_stride; b++) s->qbits[b] = 0;
    for (int d = 0; d < x->dim; d++)
      if (s->qbuf[d] > x->q_offset[d]) s->qbits[d >> 3] |= (uint8_t)(1u << (d & 7));
  }
}

// Lowest exact distance that stored row `id` can have given its traversal distance `dt`: with int8
// codes, |q·x − traversal estimate of q·x| <= |q|·err + qerr·|code|; a distance is (±) 2× or 1×
// that, plus float slack.
static inline float rerank_lower(const Index* x, const Query* Q, int32_t id, float dt) {
  const float b = Q->qlen * x->code_err[id] + Q->qerr * x->code_norm[id];
  const float slack = 1e-5f * (1.f + (dt < 0 ? -dt : dt));
  if (x->metric == METRIC_L2) return dt + (x->sqnorm[id] - x->code_sqnorm[id]) - 2.f * b - slack;  // the estimate used |x̂|², not |x|²
  return dt - b - slack;
}

#define RERANK_AHEAD 8

// Sorts the nr traversal results and requests from memory the float rows of the first ones that
// re-ranking reads unconditionally (see rerank).
static void rerank_prefetch(const Index* x, float* rd, int32_t* ri, int nr, int k) {
  sort_pairs(rd, ri, nr);  // by traversal distance
  const int first = x->quant == QUANT_INT8 && x->code_err && k < nr ? k : nr;
  for (int j = 0; j < first; j++) request_vector(x, ri[j]);
}

// Replaces the traversal distances of the nr results (rd/ri, sorted by rerank_prefetch) by exact
// ones and sorts them. With int8 codes the traversal distance is within a proven bound of the
// exact one (the row's quantization error and the query's, see flat_search_pruned), so once k
// exact distances are known, a candidate whose best possible distance is worse than the k-th is
// dropped without reading its float vector. Returns the number of results kept (sorted, at least
// min(k, nr)).
static int rerank(const Index* x, const Query* Q, float* rd, int32_t* ri, int nr, int k) {
  const int bounded = x->quant == QUANT_INT8 && x->code_err;
  const int first = bounded && k < nr ? k : nr;
  float tau = -3.4e38f;  // the k-th best exact distance so far
  for (int j = 0; j < first; j++) {
    rd[j] = dist_query(x, Q->qbuf, ri[j]);
    if (rd[j] > tau) tau = rd[j];
  }
  int m = first;
  int ahead = first;  // rows requested from memory ahead of their exact distance (see below)
  for (int j = first; j < nr; j++) {
    // Keep the rows of the next few candidates that the bound cannot rule out yet on their way from
    // memory: on data where it rules out little (gauss128), each exact distance would otherwise wait
    // for its row (512 bytes, rarely cached).
    for (; ahead < nr && ahead < j + RERANK_AHEAD; ahead++)
      if (rerank_lower(x, Q, ri[ahead], rd[ahead]) < tau) request_vector(x, ri[ahead]);
    const int32_t id = ri[j];
    const float lower = rerank_lower(x, Q, id, rd[j]);
    if (lower >= tau) continue;
    const float d = dist_query(x, Q->qbuf, id);
    ri[m] = id;
    rd[m++] = d;
    if (m > k) {  // keep tau = k-th smallest exact distance
      sort_pairs(rd, ri, m);
      m = k;
      tau = rd[k - 1];
    } else if (d > tau) tau = d;
  }
  sort_pairs(rd, ri, m);
  return m;
}

// Writes a query's first min(nr, k) results (sorted) to oi/od, padded with id -1.
static void write_results(const float* rd, const int32_t* ri, int nr, int k, int32_t* oi, float* od) {
  const int m = nr < k ? nr : k;
  for (int j = 0; j < m; j++) {
    oi[j] = ri[j];
    od[j] = rd[j];
  }
  for (int j = m; j < k; j++) {
    oi[j] = -1;
    od[j] = 3.4e38f;
  }
}

// Upper levels of a query's descent (greedy, one visited set for the whole descent): the entry
// point of level 0.
static int32_t descend(const Index* x, Scratch* s, const Query* Q, int locked) {
  int32_t ep = x->entry;
  next_tag(x, s);
  for (int l = x->max_level; l > 0; l--) ep = greedy(x, s, Q->qbuf, Q, ep, l, locked);
  return ep;
}

// k nearest neighbours of one query: k (id, distance) pairs sorted ascending to out_i/out_d
// (padded with id -1). With codes, the ef traversal results are re-ranked by exact
// distance when the vectors are kept.
static void search_one(const Index* x, Scratch* s, const float* query, int k, int ef, const uint8_t* allow,
                       int32_t* out_i, float* out_d) {
  if (x->entry < 0) {
    write_results(0, 0, 0, k, out_i, out_d);
    return;
  }
  Query Q = {s->qbuf, s->qcode, s->qbits, 0.f, 0.f, 0.f, 0.f};
  prepare_query(x, &Q, query);
  const int locked = __atomic_load_n(&x->concurrent, __ATOMIC_ACQUIRE);
  const int32_t ep = descend(x, s, &Q, locked);
  if (ef < k) ef = k;
  const int use_codes = x->quant != QUANT_NONE;
  const int pool = ef <= POOL_MAX_EF;
  int nr = search_layer(x, s, &Q, ep, 0, ef, allow, use_codes, locked, pool);
  if (use_codes && x->vectors && s->rerank) {
    rerank_prefetch(x, s->res_d, s->res_i, nr, k);
    nr = rerank(x, &Q, s->res_d, s->res_i, nr, k);
  } else if (!pool) sort_pairs(s->res_d, s->res_i, nr);
  write_results(s->res_d, s->res_i, nr, k, out_i, out_d);
}

// ------------------------------------------------------------------ interleaved batch search
// A level-0 search waits on memory much of the time: for the link list of each node it expands
// and the code rows of its unvisited neighbours, nodes it has never seen (with the same queries
// repeated, so that everything is cached, a batch ran 3× faster on gcide100 and 4.5× on
// gauss128). A batch therefore runs lane_count queries at once on one thread, in step (see the
// loop in search_lanes): the misses of all lanes' requests overlap, where one query alone can only
// overlap those of one expansion (software-managed memory parallelism; cf. Jonathan et al.,
// "Exploiting coroutines to attack the killer nanoseconds", VLDB 2018). Each query's search is
// search_layer's, step for step, so the results are those of searching one query at a time.
#define LANES_MAX 8
#define LANE_LOG 4096  // visited nodes a lane remembers to clear its bit; past that, a full clear

enum { LANE_IDLE, LANE_EXPAND, LANE_SCORE, LANE_SORTED, LANE_RERANK };

typedef struct {
  Query Q;
  Beam B;          // (then the sorted results in B.rd/B.ri)
  int32_t* fresh;  // unvisited neighbours of the node being expanded, their rows requested
  int32_t* log;    // nodes whose visited bit this lane set
  int32_t m, nlog, c, qi, state;
} Lane;

static inline uint8_t* carve(uint8_t** at, int64_t bytes) {
  uint8_t* p = *at;
  *at += (bytes + 63) & ~(int64_t)63;
  return p;
}

// Lays out n lanes' buffers after the visited bits (the sizes mirror planThread in layout.ts).
// Returns 0 if the area is too small.
static int lanes_carve(const Index* x, const Scratch* s, Lane* L, int n) {
  uint8_t* at = s->lanes;
  carve(&at, x->capacity);  // visited: bit g of byte i = lane g has seen node i
  const int cs = x->code_stride > 16 ? x->code_stride : 16;
  for (int g = 0; g < n; g++) {
    L[g].Q.qbuf = (float*)carve(&at, (int64_t)x->stride * 8);  // the query, then prepare_query's scratch
    L[g].Q.qcode = (int16_t*)carve(&at, cs * 2);
    L[g].Q.qbits = carve(&at, cs);
    L[g].B.cd = (float*)carve(&at, (int64_t)s->cand_cap * 4);
    L[g].B.ci = (int32_t*)carve(&at, (int64_t)s->cand_cap * 4);
    L[g].B.rd = (float*)carve(&at, ((int64_t)s->res_cap + 1) * 4);
    L[g].B.ri = (int32_t*)carve(&at, ((int64_t)s->res_cap + 1) * 4);
    L[g].B.px = (int32_t*)carve(&at, ((int64_t)s->res_cap + 1) * 4);
    L[g].B.cap = s->cand_cap;
    L[g].fresh = (int32_t*)carve(&at, (int64_t)x->M0 * 4);
    L[g].log = (int32_t*)carve(&at, LANE_LOG * 4);
    L[g].state = LANE_IDLE;
  }
  return at - s->lanes <= s->lanes_bytes;
}

// Requests every cache line of a node's level-0 link list.
static inline void request_list(const Index* x, int32_t id) {
  request_lines(x->links0 + (int64_t)id * (1 + x->M0), lines_of((int64_t)(1 + x->M0) * 4));
}

// Starts query qi in lane L: prepares it, descends the upper levels and seeds level 0 with the
// entry point (scored next turn as LANE_SCORE with no fresh neighbours pops it and requests its list).
static void lane_start(const Index* x, Scratch* s, Lane* L, uint8_t* vis, uint8_t bit, const float* query, int32_t qi,
                       const uint8_t* allow, int use_codes) {
  prepare_query(x, &L->Q, query);
  const int32_t ep = descend(x, s, &L->Q, 0);
  beam_start(x, allow, &L->B, use_codes ? dist_trav(x, &L->Q, ep) : dist_query(x, L->Q.qbuf, ep), ep);
  s->stats_dist++;
  L->qi = qi;
  L->m = 0;
  vis[ep] |= bit;
  L->log[0] = ep;
  L->nlog = 1;
  L->state = LANE_SCORE;
}

// Second half of an expansion: scores the fresh neighbours (their rows were requested a turn
// ago), then pops the next candidate and requests its link list, or ends the search.
static void lane_score(const Index* x, Scratch* s, Lane* L, int k, const uint8_t* allow, int use_codes) {
  beam_score(x, &L->Q, allow, &L->B, L->fresh, L->m, use_codes);
  s->stats_dist += L->m;
  L->m = 0;
  L->c = beam_next(&L->B);
  if (L->c >= 0) {
    L->state = LANE_EXPAND;
    return;
  }
  if (use_codes && x->vectors && s->rerank) {
    L->state = LANE_RERANK;
    rerank_prefetch(x, L->B.rd, L->B.ri, L->B.nr, k);
    return;
  }
  if (!L->B.pool) sort_pairs(L->B.rd, L->B.ri, L->B.nr);
  L->state = LANE_SORTED;
}

// First half of an expansion: the candidate's unvisited neighbours, their rows requested.
static void lane_expand(const Index* x, Lane* L, uint8_t* vis, uint8_t bit) {
  const int32_t* nb = links_at(x, L->c, 0);
  const int n = nb[0];
  int m = 0;
  for (int j = 1; j <= n; j++) {  // branch-free, as search_layer
    const int32_t e = nb[j];
    const uint8_t v = vis[e];
    L->fresh[m] = e;
    m += !(v & bit);
    vis[e] = v | bit;
  }
  if (L->nlog + m <= LANE_LOG)
    for (int j = 0; j < m; j++) L->log[L->nlog++] = L->fresh[j];
  else L->nlog = LANE_LOG + 1;  // too many to remember: cleared by a full pass
  L->m = m;
  L->state = LANE_SCORE;
}

// Writes a finished lane's results (padded with id -1) and clears its visited bits.
static void lane_finish(const Index* x, Lane* L, uint8_t* vis, uint8_t bit, int k, int32_t* out_i, float* out_d) {
  write_results(L->B.rd, L->B.ri, L->B.nr, k, out_i + (int64_t)L->qi * k, out_d + (int64_t)L->qi * k);
  const uint8_t keep = (uint8_t)~bit;
  if (L->nlog <= LANE_LOG)
    for (int j = 0; j < L->nlog; j++) vis[L->log[j]] &= keep;
  else
    for (int32_t i = 0; i < x->capacity; i++) vis[i] &= keep;
  L->state = LANE_IDLE;
}

// The batch on lanes (see above). Returns the number of queries done: all of them, unless
// inserts started meanwhile (then the caller searches the rest one by one, under the locks).
static int32_t search_lanes(const Index* x, Scratch* s, const uint8_t* queries, int32_t nq, int32_t k, int32_t ef,
                            const uint8_t* allow, int32_t* out_i, float* out_d) {
  Lane L[LANES_MAX];
  int G = s->lane_count < LANES_MAX ? s->lane_count : LANES_MAX;
  if (G > nq) G = nq;
  if (!lanes_carve(x, s, L, G)) return 0;
  uint8_t* vis = s->lanes;
  if (!s->lanes_clean) __builtin_memset(vis, 0, (uint32_t)x->capacity);  // a new area (or an interrupted batch)
  s->lanes_clean = 0;
  if (ef < k) ef = k;
  for (int g = 0; g < G; g++) {
    L[g].B.ef = ef;
    L[g].B.pool = ef <= POOL_MAX_EF;  // as search_one
  }
  const int use_codes = x->quant != QUANT_NONE;
  const int64_t rb = row_bytes(x);
  const RowSource rows = row_source(x);
  int32_t next = 0, active = 0;
  for (int g = 0; g < G; g++, next++, active++)
    lane_start(x, s, &L[g], vis, (uint8_t)(1u << g), (const float*)(queries + next * rb), next, allow, use_codes);
  // Rounds in step: every lane scores its fresh neighbours and pops its next candidate; then the
  // candidates' link lists are requested together; every lane picks its unvisited neighbours;
  // then all their rows are requested together. (WebAssembly has no prefetch: a request is a load,
  // and a load that misses holds up the reorder buffer, so the requests go in tight bursts.)
  while (active > 0) {
    for (int g = 0; g < G; g++) {
      Lane* l = &L[g];
      const uint8_t bit = (uint8_t)(1u << g);
      if (l->state == LANE_RERANK || l->state == LANE_SORTED) {
        if (l->state == LANE_RERANK) l->B.nr = rerank(x, &l->Q, l->B.rd, l->B.ri, l->B.nr, k);
        lane_finish(x, l, vis, bit, k, out_i, out_d);
        if (next < nq && !__atomic_load_n(&x->concurrent, __ATOMIC_ACQUIRE)) {
          lane_start(x, s, l, vis, bit, (const float*)(queries + next * rb), next, allow, use_codes);
          next++;
        } else active--;
      }
      if (l->state == LANE_SCORE) lane_score(x, s, l, k, allow, use_codes);
    }
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_EXPAND) request_list(x, L[g].c);
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_EXPAND) lane_expand(x, &L[g], vis, (uint8_t)(1u << g));
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_SCORE) request_rows(rows, L[g].fresh, L[g].m);
  }
  s->lanes_clean = 1;  // every lane cleared its bits when it finished
  return next;
}

// nq queries (rows of `queries`, one stored row's size apart); results at out_i/out_d + q*k, padded
// with id -1. Returns the total distance computations.
__attribute__((export_name("hnsw_search_batch")))
int32_t hnsw_search_batch(const Index* x, Scratch* s, const float* queries, int32_t nq, int32_t k, int32_t ef,
                          const uint8_t* allow, int32_t* out_i, float* out_d) {
  s->stats_dist = 0;
  int32_t i = 0;
  if (s->lanes_bytes > 0 && s->lane_count > 1 && nq > 1 && x->entry >= 0 && !__atomic_load_n(&x->concurrent, __ATOMIC_ACQUIRE))
    i = search_lanes(x, s, (const uint8_t*)queries, nq, k, ef, allow, out_i, out_d);
  for (; i < nq; i++)
    search_one(x, s, (const float*)((const uint8_t*)queries + i * row_bytes(x)), k, ef, allow, out_i + (int64_t)i * k, out_d + (int64_t)i * k);
  return s->stats_dist;
}


// ------------------------------------------------------------------------------ deletions
// Repairs the graph after nodes were flagged FLAG_DELETED: every live node that links to a
// deleted one gets a new list chosen by the heuristic from its live neighbours and the live
// neighbours of its deleted neighbours (hnswlib's repairConnectionsForUpdate idea, applied to
// all in-links so that slots can be reused). Deleted nodes become FLAG_FREE. Picks a new entry
// point if needed. Single-threaded (call with no concurrent inserts).
__attribute__((export_name("hnsw_repair")))
void hnsw_repair(Index* x, Scratch* s) {
  for (int32_t u = 0; u < x->count; u++) {
    if (x->flags[u] & (FLAG_DELETED | FLAG_FREE)) continue;
    for (int l = 0; l <= x->levels[u]; l++) {
      int32_t* list = links_at(x, u, l);
      const int n = list[0];
      int broken = 0;
      for (int j = 1; j <= n; j++)
        if (x->flags[list[j]] & (FLAG_DELETED | FLAG_FREE)) broken = 1;
      if (!broken) continue;
      next_tag(x, s);
      const uint16_t tag = (uint16_t)s->tag;
      s->visited[u] = tag;
      int nc = 0;
      for (int j = 1; j <= n; j++) {
        const int32_t e = list[j];
        if (!(x->flags[e] & (FLAG_DELETED | FLAG_FREE))) {
          if (s->visited[e] != tag && nc < s->res_cap + x->M0) {
            s->visited[e] = tag;
            s->sel_i[nc] = e;
            s->sel_d[nc++] = dist_nodes(x, u, e);
          }
          continue;
        }
        if (x->levels[e] < l) continue;
        int32_t* dl = links_at(x, e, l);
        for (int t = 1; t <= dl[0]; t++) {
          const int32_t f = dl[t];
          if (x->flags[f] & (FLAG_DELETED | FLAG_FREE) || s->visited[f] == tag) continue;
          if (nc >= s->res_cap + x->M0) break;
          s->visited[f] = tag;
          s->sel_i[nc] = f;
          s->sel_d[nc++] = dist_nodes(x, u, f);
        }
      }
      const int k = select_heuristic(x, s, s->sel_d, s->sel_i, nc, l == 0 ? x->M0 : x->M, 0);
      for (int j = 0; j < k; j++) list[j + 1] = s->sel_i[j];
      list[0] = k;
    }
  }
  int32_t best = -1;
  int best_level = -1;
  for (int32_t u = 0; u < x->count; u++) {
    if (x->flags[u] & FLAG_DELETED) {
      x->flags[u] = FLAG_FREE;
      for (int l = 0; l <= x->levels[u]; l++) links_at(x, u, l)[0] = 0;
    }
    if (!(x->flags[u] & FLAG_FREE) && x->levels[u] > best_level) {
      best_level = x->levels[u];
      best = u;
    }
  }
  if (x->entry < 0 || (x->flags[x->entry] & FLAG_FREE)) {
    x->entry = best;
    x->max_level = best_level < 0 ? 0 : best_level;
  } else if (best_level > x->max_level) {
    x->entry = best;
    x->max_level = best_level;
  }
}

// ------------------------------------------------------------------------------ flat search

// Exact k-NN with int8 pruning (flat index with codes): the codes give each row's inner product
// with the query up to a proven error bound,
//   |q·x − (q·offset + S·(qcode · code))| ≤ |q|·|x − x̂| + |w − S·qcode|·|code|,   w = q ⊙ scale,
// so a row whose best possible distance cannot beat the current k-th is skipped without reading its
// float vector; the others get their exact distance. Results are exactly those of the float scan.
// With a rotation R (principal axes, x' = R·x, q·x = q'·x') the codes are taken in the rotated
// basis, where the leading dims carry most of the energy: a first stage scores only the first
// t_dims code dims and bounds the rest by Cauchy–Schwarz (|q'_rest|·|x'_rest|); rows surviving it
// get the remaining dims, then the full bound, then maybe the exact distance.
// Blocks of 8 queries share each code load (integer dot products, 8 multiply-adds per
// instruction), and the bounds of 4 queries are tested with one vector compare.
//
// Two builds (build-wasm.sh): index.wasm, whose first stage uses 12-bit (int16) query codes, and
// index-relaxed.wasm (EMBEDKIT_RELAXED), whose first stage uses 7-bit query codes and the relaxed
// SIMD dot product i16x8.relaxed_dot_i8x16_i7x16_s (16 multiply-adds per instruction, pmaddubsw on
// x86). Its second operand is kept in [0, 127], where every implementation gives the same result,
// so both builds return identical results; the looser 7-bit bound only lets a few more rows through
// to the second stage. wasm.ts picks the relaxed build when the engine supports it.
#define FLAT_BLOCK 8

#ifdef EMBEDKIT_RELAXED
// Replaced by the instruction itself after compilation (clang 14 has no intrinsic for it; see
// build-wasm.sh): i16x8.relaxed_dot_i8x16_i7x16_s(a, b), lanes a[2i]·b[2i] + a[2i+1]·b[2i+1].
__attribute__((import_module("env"), import_name("relaxed_dot_i16"))) v128_t relaxed_dot_i16(v128_t a, v128_t b);

// Bytes of the 7-bit query codes of a block: per group of 4 dims, [q0 × 4, q1 × 4, q2 × 4, q3 × 4]
// then queries 4–7, each code biased by +64 into [1, 127].
static inline int qb_at(int b, int d) { return (d >> 2) * 32 + (b >> 2) * 16 + (b & 3) * 4 + (d & 3); }

// First-stage integer dots of the block's 7-bit query codes with one row's code over dims [0, t):
// Σ (q7 + 64)·code, less 64·Σ code (the row's code_sum) to undo the bias.
static inline void dots8_relaxed(const uint8_t* qb, const int8_t* c, int t, int32_t csum, v128_t ones, v128_t* acc) {
  v128_t r0 = wasm_i32x4_splat(0), r1 = r0;
  for (int i = 0; i < t; i += 16, qb += 128) {
    const v128_t cv = wasm_v128_load(c + i);
#define GROUP(k)                                                                                              \
  {                                                                                                           \
    const v128_t bc = wasm_i32x4_shuffle(cv, cv, k, k, k, k);                                                 \
    r0 = wasm_i32x4_add(r0, wasm_i32x4_dot_i16x8(relaxed_dot_i16(bc, wasm_v128_load(qb + (k) * 32)), ones));      \
    r1 = wasm_i32x4_add(r1, wasm_i32x4_dot_i16x8(relaxed_dot_i16(bc, wasm_v128_load(qb + (k) * 32 + 16)), ones)); \
  }
    GROUP(0)
    GROUP(1)
    GROUP(2)
    GROUP(3)
#undef GROUP
  }
  const v128_t bias = wasm_i32x4_splat(64 * csum);
  acc[0] = wasm_i32x4_sub(r0, bias);
  acc[1] = wasm_i32x4_sub(r1, bias);
}
#endif

// The query codes of a block, interleaved so that integer dot products land one query per lane:
// for each pair of dims (2p, 2p+1), two vectors [q0, q0', q1, q1', q2, q2', q3, q3'] (queries 0–3)
// and the same for queries 4–7. A row's code pair, broadcast to the four lanes, meets each query's
// pair in its own lane (i32x4.dot_i16x8_s), so no horizontal sums are needed afterwards.
static inline int qcode_at(int b, int d) { return (d >> 1) * 16 + (b >> 2) * 8 + (b & 3) * 2 + (d & 1); }

#ifndef EMBEDKIT_RELAXED
// Accumulates the integer dots of the 8 interleaved query codes with one row code over code dims
// [from, to): acc[0] holds queries 0–3, acc[1] queries 4–7.
static inline void dots8_lanes(const int16_t* qi, const int8_t* c, int from, int to, v128_t* acc) {
  // 8 code dims per step, read as int16 (one load); each dim pair is broadcast to the four lanes.
  // The step is kept small: V8 issues a block's loads first, and a 16-dim step kept its 16 query
  // loads live at once and spilled registers. The four products of a step are summed as a tree so
  // that the accumulators' dependency chains stay one add per step.
  v128_t a0 = acc[0], a1 = acc[1];
  const int16_t* q = qi + from * 8;
  for (int i = from; i < to; i += 8, q += 64) {
    const v128_t cv = wasm_i16x8_load8x8(c + i);
    const v128_t b0 = wasm_i32x4_shuffle(cv, cv, 0, 0, 0, 0), b1 = wasm_i32x4_shuffle(cv, cv, 1, 1, 1, 1);
    const v128_t b2 = wasm_i32x4_shuffle(cv, cv, 2, 2, 2, 2), b3 = wasm_i32x4_shuffle(cv, cv, 3, 3, 3, 3);
    const v128_t s0 = wasm_i32x4_add(wasm_i32x4_dot_i16x8(b0, wasm_v128_load(q)), wasm_i32x4_dot_i16x8(b1, wasm_v128_load(q + 16)));
    const v128_t s1 = wasm_i32x4_add(wasm_i32x4_dot_i16x8(b2, wasm_v128_load(q + 32)), wasm_i32x4_dot_i16x8(b3, wasm_v128_load(q + 48)));
    const v128_t t0 = wasm_i32x4_add(wasm_i32x4_dot_i16x8(b0, wasm_v128_load(q + 8)), wasm_i32x4_dot_i16x8(b1, wasm_v128_load(q + 24)));
    const v128_t t1 = wasm_i32x4_add(wasm_i32x4_dot_i16x8(b2, wasm_v128_load(q + 40)), wasm_i32x4_dot_i16x8(b3, wasm_v128_load(q + 56)));
    a0 = wasm_i32x4_add(a0, wasm_i32x4_add(s0, s1));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_add(t0, t1));
  }
  acc[0] = a0;
  acc[1] = a1;
}
#endif

// Lower bounds of the distance for 4 queries whose q·x is at most `hi` (plus float slack).
__attribute__((always_inline)) static inline v128_t lower_bound_m(const int metric, v128_t hi, v128_t qn, float xn) {
  if (metric == METRIC_L2) {
    const v128_t n2 = wasm_f32x4_add(qn, wasm_f32x4_splat(xn));
    const v128_t lo = wasm_f32x4_sub(n2, wasm_f32x4_add(hi, hi));
    return wasm_f32x4_sub(lo, wasm_f32x4_mul(wasm_f32x4_splat(1e-5f), n2));
  }
  const v128_t base = wasm_f32x4_splat(metric == METRIC_IP ? 0.f : 1.f);
  const v128_t slack = wasm_f32x4_mul(wasm_f32x4_splat(1e-5f), wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_abs(hi)));
  return wasm_f32x4_sub(wasm_f32x4_sub(base, hi), slack);
}
static inline v128_t lower_bound(const Index* x, v128_t hi, v128_t qn, float xn) { return lower_bound_m(x->metric, hi, qn, xn); }

// State of one block of queries during a pruned flat scan.
typedef struct {
  int bq;
  v128_t ql[2], qn[2], tau[2];
  // first-stage threshold in integer-dot units (see set_threshold): a row passes for query b when
  // qcode·code > U − A1·err − A2·|code| − A3·rest (+ A4·|x|² for L2)
  v128_t U[2], A1[2], A2[2], A3[2], A4[2];
  // centroid bound of the current cluster: q·c and an upper bound of |q − c| per query
  v128_t ccq[2], ccd[2], cnorm;
  // per-query scalars: scale S and 1/S, q·offset over the first t dims and over the rest, |q|², |q|,
  // |w − S·qcode|, |q| over the dims after t, |qcode|, and the lanes of U
  float S[FLAT_BLOCK], invS[FLAT_BLOCK], qo1[FLAT_BLOCK], qo2[FLAT_BLOCK], qn_s[FLAT_BLOCK], ql_s[FLAT_BLOCK];
  float ew[FLAT_BLOCK], qr[FLAT_BLOCK], qcn[FLAT_BLOCK], U_s[FLAT_BLOCK];
  // the first stage's query codes: their scale, 1/scale, error |w − S1·qcode1| and norm (the int16
  // codes above, or the 7-bit ones of the relaxed build)
  float S1[FLAT_BLOCK], invS1[FLAT_BLOCK], ew1[FLAT_BLOCK], qcn1[FLAT_BLOCK];
  int use_row_bound;
  int tested, rejected;  // rows tried / rejected by the centroid row bound (to turn it off when useless)
  int rows;              // rows that reached the integer screen
} FlatBlock;

// Relative float slack of the screening tests: every test adds 1e-5 times the sum of the magnitudes
// of the terms it combines, far above the rounding error of the few float operations involved.
#define FLAT_EPS 1e-5f

// Sets query b's first-stage threshold for its current k-th distance tau. From the bound
//   q·x ≤ qo1 + S·(qcode·code) + |q|·err + ew·|code| + qr·rest                 (first t dims)
// a row can beat tau only if (cosine/IP, base 1/0)  S·dot > base − tau − qo1 − B, or (L2)
// S·dot > (|q|² + |x|² − tau)/2 − qo1 − B, with B the three error terms. Divided by S, and with the
// float slack folded in, the test is one compare of the integer dot per lane; the terms that do not
// depend on the row are computed here, once per change of tau.
static void set_threshold(FlatBlock* blk, int metric, int b, float tau) {
  const float at = tau < 0 ? -tau : tau, ao = blk->qo1[b] < 0 ? -blk->qo1[b] : blk->qo1[b];
  float u;
  if (metric == METRIC_L2) u = 0.5f * (blk->qn_s[b] - tau) - blk->qo1[b] - FLAT_EPS * (1.f + blk->qn_s[b] + at + ao);
  else {
    const float base = metric == METRIC_IP ? 0.f : 1.f;
    u = base - tau - blk->qo1[b] - FLAT_EPS * (1.f + base + at + ao);
  }
  blk->U_s[b] = u * blk->invS1[b];
  const int h = b >> 2;
  blk->U[h] = wasm_v128_load(blk->U_s + 4 * h);
}

// Sets the row-term factors of the threshold (A1..A4) from the per-query scalars.
static void set_threshold_terms(FlatBlock* blk) {
  float a1[FLAT_BLOCK], a2[FLAT_BLOCK], a3[FLAT_BLOCK], a4[FLAT_BLOCK];
  for (int b = 0; b < FLAT_BLOCK; b++) {
    const float g = (1.f + FLAT_EPS) * blk->invS1[b];
    a1[b] = g * blk->ql_s[b];
    a2[b] = g * blk->ew1[b] + FLAT_EPS * blk->S1[b] * blk->qcn1[b] * blk->invS1[b];
    a3[b] = g * blk->qr[b];
    a4[b] = (0.5f - FLAT_EPS) * blk->invS1[b];
  }
  for (int h = 0; h < 2; h++) {
    blk->A1[h] = wasm_v128_load(a1 + 4 * h);
    blk->A2[h] = wasm_v128_load(a2 + 4 * h);
    blk->A3[h] = wasm_v128_load(a3 + 4 * h);
    blk->A4[h] = wasm_v128_load(a4 + 4 * h);
  }
}

// Whether a row whose q·x is at most qoff + sdot + bound (sdot = S·(qcode·code) over every dim) can
// beat tau for a query with |q|² = qn; xn = |x|². Scalar form of the bound, with the float slack.
static inline int may_beat(int metric, float qoff, float sdot, float bound, float qn, float xn, float tau) {
  const float hi = qoff + sdot + bound;
  const float at = tau < 0 ? -tau : tau, ao = qoff < 0 ? -qoff : qoff, as = sdot < 0 ? -sdot : sdot;
  const float slack = FLAT_EPS * (1.f + ao + as + bound + at + (metric == METRIC_L2 ? qn + xn : 1.f));
  if (metric == METRIC_L2) return qn + xn - 2.f * hi - 2.f * slack < tau;
  return (metric == METRIC_IP ? 0.f : 1.f) - hi - slack < tau;
}

// Upper bound of q·x for x = c + e (Cauchy–Schwarz twice): q·x = q·c + q·e with
//   q·e ≤ |q|·|e|   and   q·e = (q − c)·e + c·e ≤ |q − c|·|e| + c·e,
// plus slack for the float error of q·c.
static inline v128_t centroid_hi(const v128_t cq, const v128_t cd, const v128_t ql, const v128_t e, const v128_t ce, const v128_t cn) {
  const v128_t a = wasm_f32x4_mul(ql, e);
  const v128_t b = wasm_f32x4_add(ce, wasm_f32x4_mul(cd, e));
  const v128_t slack = wasm_f32x4_mul(wasm_f32x4_splat(1e-5f), wasm_f32x4_mul(ql, wasm_f32x4_add(cn, e)));
  return wasm_f32x4_add(wasm_f32x4_add(cq, wasm_f32x4_min(a, b)), slack);
}

// Screens rows [from, to) against the block and scores the survivors exactly. With `centroid`,
// the rows belong to one cluster whose bound terms are in blk->ccq/ccd/cnorm.
__attribute__((always_inline)) static inline void flat_scan_rows(const Index* x, Scratch* s, FlatBlock* blk, float* tau_s, int* nr, int32_t from,
                                  int32_t to, int centroid, const uint8_t* allow, int32_t k, const int metric) {
  const int n = x->stride;
  const int cs = x->code_stride;
  const int t = x->rot ? x->t_dims : cs;
  const int16_t* qc = s->qcode;
#ifdef EMBEDKIT_RELAXED
  const uint8_t* qb = (const uint8_t*)(qc + 2 * FLAT_BLOCK * cs);
  v128_t ones = wasm_i16x8_splat(1);
  __asm__("" : "+r"(ones));  // kept in a register: as a constant, V8 reloads it for every use
#endif
  for (int32_t r = from; r < to; r++) {
    // request the code row 4 ahead: its load overlaps this row's work instead of stalling the next
    // one (+2–5 % on gcide100, where every row is screened)
    if (r + 4 < to) REQUEST(x->codes + (int64_t)(r + 4) * cs);
    if (x->flags[r] & (FLAG_DELETED | FLAG_FREE)) continue;
    if (allow && !((allow[r >> 3] >> (r & 7)) & 1)) continue;
    const float xn = x->sqnorm[r];
    int cmask = 0xff;
    if (centroid && blk->use_row_bound) {
      const v128_t e = wasm_f32x4_splat(x->row_e[r]);
      const v128_t ce = wasm_f32x4_splat(x->row_ce[r]);
      cmask = 0;
      for (int h = 0; h < 2; h++) {
        const v128_t hi = centroid_hi(blk->ccq[h], blk->ccd[h], blk->ql[h], e, ce, blk->cnorm);
        cmask |= wasm_i32x4_bitmask(wasm_f32x4_lt(lower_bound_m(metric, hi, blk->qn[h], xn), blk->tau[h])) << (4 * h);
      }
      blk->tested++;
      if (!cmask) {
        blk->rejected++;
        continue;
      }
    }
    blk->rows++;
    const int8_t* c = x->codes + (int64_t)r * cs;
    v128_t a[2] = {wasm_i32x4_splat(0), wasm_i32x4_splat(0)};
#ifdef EMBEDKIT_RELAXED
    dots8_relaxed(qb, c, t, x->code_sum[r], ones, a);
#else
    dots8_lanes(qc, c, 0, t, a);
#endif
    const float err = x->code_err[r], cn = x->code_norm[r];
    const v128_t verr = wasm_f32x4_splat(err), vcn = wasm_f32x4_splat(cn);
    const v128_t vrn = wasm_f32x4_splat(t < cs ? x->rest_norm[r] : 0.f);
    int mask = 0;
    for (int h = 0; h < 2; h++) {
      v128_t thr = wasm_f32x4_sub(blk->U[h], wasm_f32x4_add(wasm_f32x4_mul(blk->A1[h], verr),
                                                         wasm_f32x4_add(wasm_f32x4_mul(blk->A2[h], vcn), wasm_f32x4_mul(blk->A3[h], vrn))));
      if (metric == METRIC_L2) thr = wasm_f32x4_add(thr, wasm_f32x4_mul(blk->A4[h], wasm_f32x4_splat(xn)));
      mask |= wasm_i32x4_bitmask(wasm_f32x4_gt(wasm_f32x4_convert_i32x4(a[h]), thr)) << (4 * h);
    }
    mask &= cmask;
    if (!mask) continue;
    // Second stage, for each query still in (1.6 of 8 per row on word vectors, so this beats the
    // 8-lane form): its int16 codes (stored contiguously after the interleaved ones) over the dims
    // the first stage has not scored in int16, then the full bound. The relaxed build's first stage
    // is 7-bit, so its second stage takes every dim.
#ifdef EMBEDKIT_RELAXED
    const int from2 = 0, stage2 = 1;
#else
    const int from2 = t, stage2 = t < cs;
#endif
    if (stage2) {
      int32_t d1[FLAT_BLOCK];
      wasm_v128_store(d1, a[0]);
      wasm_v128_store(d1 + 4, a[1]);
      const int de = (x->dim + 7) & ~7;
      const int16_t* qrows = qc + FLAT_BLOCK * cs;
      int m2 = 0;
      for (int mm = mask; mm; mm &= mm - 1) {
        const int b = __builtin_ctz(mm);
        const int32_t dot = (from2 ? d1[b] : 0) + code_dot(qrows + b * cs + from2, c + from2, de - from2);
        const float bound = blk->ql_s[b] * err + blk->ew[b] * cn;
        if (may_beat(metric, blk->qo1[b] + blk->qo2[b], blk->S[b] * (float)dot, bound, blk->qn_s[b], xn, tau_s[b])) m2 |= 1 << b;
      }
      mask = m2;
      if (!mask) continue;
    }
    for (int b = 0; b < blk->bq; b++) {
      if (!((mask >> b) & 1)) continue;
      s->stats_dist++;
      float d = dist_query(x, s->qbuf + b * n, r);
      if (metric == METRIC_L2 && d < 0.f) d = 0.f;
      if (nr[b] < k || d < tau_s[b]) {
        float* hd = s->res_d + b * (k + 1);
        int32_t* hi = s->res_i + b * (k + 1);
        max_push(hd, hi, &nr[b], d, r);
        if (nr[b] > k) max_pop(hd, hi, &nr[b]);
        tau_s[b] = nr[b] >= k ? hd[0] : 3.4e38f;
        set_threshold(blk, metric, b, tau_s[b]);
      }
    }
    blk->tau[0] = wasm_v128_load(tau_s);
    blk->tau[1] = wasm_v128_load(tau_s + 4);
  }
}

#define SCAN_ARGS const Index* x, Scratch* s, FlatBlock* blk, float* tau_s, int* nr, int32_t from, int32_t to, int centroid, const uint8_t* allow, int32_t k
__attribute__((noinline)) static void scan_rows_l2(SCAN_ARGS) { flat_scan_rows(x, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_L2); }
__attribute__((noinline)) static void scan_rows_ip(SCAN_ARGS) { flat_scan_rows(x, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_IP); }
__attribute__((noinline)) static void scan_rows_cos(SCAN_ARGS) { flat_scan_rows(x, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_COSINE); }
static void scan_rows(SCAN_ARGS) {
  if (x->metric == METRIC_L2) scan_rows_l2(x, s, blk, tau_s, nr, from, to, centroid, allow, k);
  else if (x->metric == METRIC_IP) scan_rows_ip(x, s, blk, tau_s, nr, from, to, centroid, allow, k);
  else scan_rows_cos(x, s, blk, tau_s, nr, from, to, centroid, allow, k);
}

// Sorts the first n of idx by key[idx] ascending (shell sort: n is at most a few thousand).
static void sort_by_key(int32_t* idx, const float* key, int n) {
  static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
  for (int g = 0; g < 8; g++) {
    const int gap = gaps[g];
    for (int i = gap; i < n; i++) {
      const int32_t v = idx[i];
      const float kv = key[v];
      int j = i;
      for (; j >= gap && key[idx[j - gap]] > kv; j -= gap) idx[j] = idx[j - gap];
      idx[j] = v;
    }
  }
}

// Upper bound of |q − c| from |q|², |c|² and q·c, with room for the float error of the expansion.
static inline float dist_up(float qn, float cn2, float qc) {
  const float d2 = qn + cn2 - 2.f * qc;
  return __builtin_sqrtf((d2 > 0.f ? d2 : 0.f) + 1e-5f * (qn + cn2));
}

// Clusters (when present) are visited in order of the block's best lower bound; a cluster none of
// whose rows can beat any query's current k-th distance is skipped whole, and inside a cluster each
// row gets the centroid bound before the integer screen. Rows after clustered_end (added since the
// clustering) are scanned without it.
static void flat_search_pruned(const Index* x, Scratch* s, const float* queries, int32_t nq, int32_t k,
                               const uint8_t* allow, int32_t* out_i, float* out_d) {
  const int n = x->stride;
  const int cs = x->code_stride;
  const int t = x->rot ? x->t_dims : cs;  // first-stage code dims (all of them without a rotation)
  const int nlist = x->nlist;
  const int32_t cend = nlist > 0 ? x->clustered_end : 0;
  s->stats_dist = 0;
  FlatBlock blk;
  blk.rows = 0;
  float tau_s[FLAT_BLOCK];
  int nr[FLAT_BLOCK];
  for (int32_t q0 = 0; q0 < nq; q0 += FLAT_BLOCK) {
    const int bq = nq - q0 < FLAT_BLOCK ? nq - q0 : FLAT_BLOCK;
    blk.bq = bq;
    // per-query constants (blk), 4 lanes per vector: [0..3] and [4..7]
    for (int b = 0; b < FLAT_BLOCK; b++) {
      nr[b] = 0;
      tau_s[b] = b < bq ? 3.4e38f : -3.4e38f;  // padding lanes never pass
      const int qi = q0 + (b < bq ? b : 0);
      float* dst = s->qbuf + b * n;                       // the query (normalised for cosine)
      float* rq = s->qbuf + (FLAT_BLOCK + b) * n;          // the query in the codes' basis
      const float norm = load_query(x, (const float*)((const uint8_t*)queries + qi * row_bytes(x)), dst);
      blk.qn_s[b] = norm;
      blk.ql_s[b] = __builtin_sqrtf(norm);
      if (x->rot)
        for (int i = 0; i < x->dim; i++) rq[i] = f_dot_n(x->rot + (int64_t)i * x->dim, dst, x->dim);
      else
        for (int i = 0; i < x->dim; i++) rq[i] = dst[i];
      // q·offset in double: its rounding then stays far below the tests' float slack
      float wmax = 0.f, rest = 0.f;
      double o1 = 0.0, o2 = 0.0;
      for (int d = 0; d < x->dim; d++) {
        if (d < t) o1 += (double)rq[d] * x->q_offset[d];
        else {
          o2 += (double)rq[d] * x->q_offset[d];
          rest += rq[d] * rq[d];
        }
        const float w = rq[d] * x->q_scale[d];
        const float a = w < 0 ? -w : w;
        if (a > wmax) wmax = a;
      }
      blk.S[b] = wmax > 0.f ? wmax / 2047.f : 1.f;
      const float inv = 1.f / blk.S[b];
      int16_t* qc = s->qcode;  // interleaved (see qcode_at)
      double e2 = 0.0, c2 = 0.0;
      for (int d = 0; d < cs; d++) {
        if (d >= x->dim) {
          qc[qcode_at(b, d)] = 0;
          qc[FLAT_BLOCK * cs + b * cs + d] = 0;
          continue;
        }
        const float w = rq[d] * x->q_scale[d];
        const float tt = w * inv;
        const int16_t c = (int16_t)(tt < 0 ? tt - 0.5f : tt + 0.5f);
        qc[qcode_at(b, d)] = c;
        qc[FLAT_BLOCK * cs + b * cs + d] = c;
        const double e = (double)w - (double)blk.S[b] * c;
        e2 += e * e;
        c2 += (double)c * c;
      }
      blk.ew[b] = (float)(__builtin_sqrt(e2) * 1.0001 + 1e-7);
      blk.qcn[b] = (float)__builtin_sqrt(c2);
      blk.qo1[b] = (float)o1;
      blk.qo2[b] = (float)o2;
      blk.qr[b] = __builtin_sqrtf(rest) * 1.0001f + 1e-7f;
      blk.invS[b] = inv;
#ifdef EMBEDKIT_RELAXED
      // 7-bit first-stage codes of the first t dims: q7 = round(w / S1) in [-63, 63], stored + 64
      float wmax1 = 0.f;
      for (int d = 0; d < t && d < x->dim; d++) {
        const float w = rq[d] * x->q_scale[d];
        const float aw = w < 0 ? -w : w;
        if (aw > wmax1) wmax1 = aw;
      }
      blk.S1[b] = wmax1 > 0.f ? wmax1 / 63.f : 1.f;
      blk.invS1[b] = 1.f / blk.S1[b];
      uint8_t* qb = (uint8_t*)(qc + 2 * FLAT_BLOCK * cs);
      double e1 = 0.0, n1 = 0.0;
      for (int d = 0; d < t; d++) {
        int q7 = 0;
        if (d < x->dim) {
          const float w = rq[d] * x->q_scale[d];
          const float tt = w * blk.invS1[b];
          q7 = (int)(tt < 0 ? tt - 0.5f : tt + 0.5f);
          q7 = q7 > 63 ? 63 : q7 < -63 ? -63 : q7;
          const double e = (double)w - (double)blk.S1[b] * q7;
          e1 += e * e;
          n1 += (double)q7 * q7;
        }
        qb[qb_at(b, d)] = (uint8_t)(q7 + 64);
      }
      // the first stage's bound takes the error over its own dims (the rest term covers the others)
      blk.ew1[b] = (float)(__builtin_sqrt(e1) * 1.0001 + 1e-7);
      blk.qcn1[b] = (float)__builtin_sqrt(n1);
#else
      blk.S1[b] = blk.S[b];
      blk.invS1[b] = inv;
      blk.ew1[b] = blk.ew[b];
      blk.qcn1[b] = blk.qcn[b];
#endif
    }
    set_threshold_terms(&blk);
    for (int b = 0; b < FLAT_BLOCK; b++) set_threshold(&blk, x->metric, b, tau_s[b]);
    for (int h = 0; h < 2; h++) {
      blk.ql[h] = wasm_v128_load(blk.ql_s + 4 * h);
      blk.qn[h] = wasm_v128_load(blk.qn_s + 4 * h);
      blk.tau[h] = wasm_v128_load(tau_s + 4 * h);
    }
    if (nlist > 0) {
      // q·c and |q − c| of every (cluster, query), cluster-major so one cluster's 8 lanes are adjacent
      for (int j = 0; j < nlist; j++) {
        const float* c = x->cent + (int64_t)j * n;
        const float cn2 = x->cl_norm[j] * x->cl_norm[j];
        for (int b = 0; b < FLAT_BLOCK; b++) {
          const float d = b < bq ? f_dot(s->qbuf + b * n, c, n) : 0.f;
          s->cq[j * FLAT_BLOCK + b] = d;
          s->cd[j * FLAT_BLOCK + b] = dist_up(blk.qn_s[b], cn2, d);
        }
      }
      // each cluster's key: the smallest lower bound over the block's queries
      for (int j = 0; j < nlist; j++) {
        const v128_t r = wasm_f32x4_splat(x->cl_r[j]);
        const v128_t ce = wasm_f32x4_splat(x->cl_maxce[j]);
        const v128_t cn = wasm_f32x4_splat(x->cl_norm[j]);
        float lb[FLAT_BLOCK];
        for (int h = 0; h < 2; h++) {
          const v128_t hi = centroid_hi(wasm_v128_load(s->cq + j * FLAT_BLOCK + 4 * h), wasm_v128_load(s->cd + j * FLAT_BLOCK + 4 * h), blk.ql[h], r, ce, cn);
          wasm_v128_store(lb + 4 * h, lower_bound(x, hi, blk.qn[h], x->cl_minsq[j]));
        }
        float m = lb[0];
        for (int b = 1; b < bq; b++) m = lb[b] < m ? lb[b] : m;
        s->ckey[j] = m;
        s->corder[j] = j;
      }
      // Each query's nearest centroid goes first, whatever its bound: its rows settle the k-th
      // distances early, which makes every later screen (cluster, row, integer) reject more.
      // The rest follow by increasing lower bound, so the early exit below stays valid.
      for (int b = 0; b < bq; b++) {
        int best = 0, second = -1;
        for (int j = 1; j < nlist; j++) {
          const float d = s->cd[j * FLAT_BLOCK + b];
          if (d < s->cd[best * FLAT_BLOCK + b]) {
            second = best;
            best = j;
          } else if (second < 0 || d < s->cd[second * FLAT_BLOCK + b]) second = j;
        }
        s->ckey[best] = -3.4e38f;
        if (second >= 0) s->ckey[second] = -3.0e38f;
      }
      sort_by_key(s->corder, s->ckey, nlist);
      blk.use_row_bound = 1;
      blk.tested = blk.rejected = 0;
      for (int o = 0; o < nlist; o++) {
        const int j = s->corder[o];
        float tmax = tau_s[0];
        for (int b = 1; b < bq; b++) tmax = tau_s[b] > tmax ? tau_s[b] : tmax;
        if (s->ckey[j] >= tmax) break;  // no later cluster can hold a better row for any query
        const v128_t r = wasm_f32x4_splat(x->cl_r[j]);
        const v128_t ce = wasm_f32x4_splat(x->cl_maxce[j]);
        blk.cnorm = wasm_f32x4_splat(x->cl_norm[j]);
        int mask = 0;
        for (int h = 0; h < 2; h++) {
          blk.ccq[h] = wasm_v128_load(s->cq + j * FLAT_BLOCK + 4 * h);
          blk.ccd[h] = wasm_v128_load(s->cd + j * FLAT_BLOCK + 4 * h);
          const v128_t hi = centroid_hi(blk.ccq[h], blk.ccd[h], blk.ql[h], r, ce, blk.cnorm);
          mask |= wasm_i32x4_bitmask(wasm_f32x4_lt(lower_bound(x, hi, blk.qn[h], x->cl_minsq[j]), blk.tau[h])) << (4 * h);
        }
        if (!mask) continue;
        // the row bound costs a few operations per row: drop it for this block if it rejects little
        if (blk.use_row_bound && blk.tested >= 1024 && blk.rejected * 8 < blk.tested) blk.use_row_bound = 0;
        scan_rows(x, s, &blk, tau_s, nr, x->cl_start[j], x->cl_start[j + 1], 1, allow, k);
      }
    }
    scan_rows(x, s, &blk, tau_s, nr, cend, x->count, 0, allow, k);
    for (int b = 0; b < bq; b++) {
      float* hd = s->res_d + b * (k + 1);
      int32_t* hi = s->res_i + b * (k + 1);
      sort_pairs(hd, hi, nr[b]);
      int32_t* oi = out_i + (int64_t)(q0 + b) * k;
      float* od = out_d + (int64_t)(q0 + b) * k;
      for (int j = 0; j < k; j++) {
        oi[j] = j < nr[b] ? hi[j] : -1;
        od[j] = j < nr[b] ? hd[j] : 3.4e38f;
      }
    }
  }
  s->stats_rows = blk.rows;
}

// ------------------------------------------------------------------------------ clustering
// Nearest centroid (squared L2) of each of n rows given by slot, among `nlist` centroids at `cent`
// (k-means assignment step of the flat index's clustering): argmin |c|² − 2 x·c, four rows at a
// time so each centroid is read once per four rows. `csq` receives the centroids' |c|².
__attribute__((export_name("flat_assign")))
void flat_assign(const Index* x, const int32_t* slots, int32_t n, const float* cent, int32_t nlist, float* csq, int32_t* out) {
  const int st = x->stride;
  for (int j = 0; j < nlist; j++) csq[j] = f_dot(cent + (int64_t)j * st, cent + (int64_t)j * st, st);
  for (int32_t i0 = 0; i0 < n; i0 += 4) {
    const int m = n - i0 < 4 ? n - i0 : 4;
    const float* v[4];
    for (int b = 0; b < 4; b++) v[b] = x->vectors + (int64_t)slots[i0 + (b < m ? b : 0)] * st;
    float best[4] = {3.4e38f, 3.4e38f, 3.4e38f, 3.4e38f};
    int32_t arg[4] = {0, 0, 0, 0};
    for (int j = 0; j < nlist; j++) {
      const float* c = cent + (int64_t)j * st;
      v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
      for (int d = 0; d < st; d += 4) {
        const v128_t cv = wasm_v128_load(c + d);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(cv, wasm_v128_load(v[0] + d)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(cv, wasm_v128_load(v[1] + d)));
        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(cv, wasm_v128_load(v[2] + d)));
        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(cv, wasm_v128_load(v[3] + d)));
      }
      const float dots[4] = {hsum(a0), hsum(a1), hsum(a2), hsum(a3)};
      for (int b = 0; b < 4; b++) {
        const float dd = csq[j] - 2.f * dots[b];
        if (dd < best[b]) {
          best[b] = dd;
          arg[b] = j;
        }
      }
    }
    for (int b = 0; b < m; b++) out[i0 + b] = arg[b];
  }
}

// Nearest centroid of each query (normalised first for cosine): the flat search groups queries by
// it so that a block's queries want the same clusters.
__attribute__((export_name("flat_query_clusters")))
void flat_query_clusters(const Index* x, Scratch* s, const float* queries, int32_t nq, int32_t* out) {
  const int st = x->stride;
  float* q = s->qbuf;
  for (int32_t i = 0; i < nq; i++) {
    load_query(x, (const float*)((const uint8_t*)queries + i * row_bytes(x)), q);
    float best = 3.4e38f;
    int32_t arg = 0;
    for (int j = 0; j < x->nlist; j++) {
      const float d = x->cl_norm[j] * x->cl_norm[j] - 2.f * f_dot(q, x->cent + (int64_t)j * st, st);
      if (d < best) {
        best = d;
        arg = j;
      }
    }
    out[i] = arg;
  }
}

// Resets the per-cluster bound terms (|c|, radius, max c·e, min |x|²) before flat_cluster_rows.
__attribute__((export_name("flat_cluster_reset")))
void flat_cluster_reset(Index* x) {
  for (int j = 0; j < x->nlist; j++) {
    const float* c = x->cent + (int64_t)j * x->stride;
    x->cl_norm[j] = __builtin_sqrtf(f_dot(c, c, x->stride));
    x->cl_r[j] = 0.f;
    x->cl_maxce[j] = -3.4e38f;
    x->cl_minsq[j] = 3.4e38f;
  }
}

// Bound terms of rows first..first+n-1 that lie in the clustered range: |x − c| and c·(x − c)
// against their cluster's centroid (rounded up), and the cluster's radius, max c·e and min |x|²
// (only ever loosened, so a row rewritten in place keeps every bound valid). Needs sqnorm.
__attribute__((export_name("flat_cluster_rows")))
void flat_cluster_rows(Index* x, int32_t first, int32_t n) {
  const int st = x->stride;
  for (int32_t r = first; r < first + n && r < x->clustered_end; r++) {
    int lo = 0, hi = x->nlist - 1;  // the cluster j with cl_start[j] <= r < cl_start[j + 1]
    while (lo < hi) {
      const int mid = (lo + hi + 1) >> 1;
      if (x->cl_start[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    const float* c = x->cent + (int64_t)lo * st;
    const float* v = x->vectors + (int64_t)r * st;
    double e2 = 0.0, ce = 0.0;
    for (int d = 0; d < st; d++) {
      const double e = (double)v[d] - c[d];
      e2 += e * e;
      ce += (double)c[d] * e;
    }
    const float e = (float)(__builtin_sqrt(e2) * 1.0001 + 1e-7);
    const float xl = __builtin_sqrtf(x->sqnorm[r]);
    const float cev = (float)ce + 1e-5f * x->cl_norm[lo] * (xl + x->cl_norm[lo]) + 1e-7f;
    x->row_e[r] = e;
    x->row_ce[r] = cev;
    if (e > x->cl_r[lo]) x->cl_r[lo] = e;
    if (cev > x->cl_maxce[lo]) x->cl_maxce[lo] = cev;
    if (x->sqnorm[r] < x->cl_minsq[lo]) x->cl_minsq[lo] = x->sqnorm[r];
  }
}

// Exact k-NN of nq queries against rows 0..count-1 (skipping flagged and disallowed rows). Query
// blocks of 4 are scored against base rows together so each row is read once per block; a max-heap
// of size k per query keeps the best. s->res_* holds 4 heaps of k + 1 (a push precedes the pop).
__attribute__((export_name("flat_search_batch")))
void flat_search_batch(const Index* x, Scratch* s, const float* queries, int32_t nq, int32_t k, const uint8_t* allow,
                       int32_t* out_i, float* out_d) {
  if (x->quant == QUANT_INT8 && x->code_err) {
    flat_search_pruned(x, s, queries, nq, k, allow, out_i, out_d);
    return;
  }
  const int n = x->stride;
  for (int32_t q0 = 0; q0 < nq; q0 += 4) {
    const int bq = nq - q0 < 4 ? nq - q0 : 4;
    float* qv[4];
    int nr[4] = {0, 0, 0, 0};
    float bound[4] = {3.4e38f, 3.4e38f, 3.4e38f, 3.4e38f};
    float qn[4] = {0, 0, 0, 0};
    for (int b = 0; b < 4; b++) {
      const int qi = q0 + (b < bq ? b : 0);
      float* dst = s->qbuf + b * n;
      const float* src = (const float*)((const uint8_t*)queries + qi * row_bytes(x));
      qv[b] = dst;
      if (x->metric == METRIC_HAMMING) {
        for (int i = 0; i < n; i++) ((uint8_t*)dst)[i] = ((const uint8_t*)src)[i];
        continue;
      }
      qv[b] = dst;
      qn[b] = load_query(x, src, dst);
    }
    for (int32_t r = 0; r < x->count; r++) {
      if (x->flags[r] & (FLAG_DELETED | FLAG_FREE)) continue;
      if (allow && !((allow[r >> 3] >> (r & 7)) & 1)) continue;
      const float* row = (const float*)((const uint8_t*)x->vectors + r * row_bytes(x));
      float dd[4];
      if (x->metric == METRIC_HAMMING) {
        for (int b = 0; b < bq; b++) dd[b] = (float)hamming((const uint8_t*)qv[b], (const uint8_t*)row, n);
      } else {
        v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < n; i += 4) {
          v128_t xv = wasm_v128_load(row + i);
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(qv[0] + i)));
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(qv[1] + i)));
          a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(xv, wasm_v128_load(qv[2] + i)));
          a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(xv, wasm_v128_load(qv[3] + i)));
        }
        const float dots[4] = {hsum(a0), hsum(a1), hsum(a2), hsum(a3)};
        for (int b = 0; b < bq; b++) {
          if (x->metric == METRIC_L2) dd[b] = qn[b] + x->sqnorm[r] - 2.f * dots[b];
          else if (x->metric == METRIC_IP) dd[b] = -dots[b];
          else dd[b] = 1.f - dots[b];
        }
      }
      for (int b = 0; b < bq; b++) {
        // |q|² + |x|² − 2q·x loses precision to cancellation: screen with some slack, then score
        // the survivors with the direct squared difference.
        if (x->metric == METRIC_L2) {
          if (nr[b] >= k && dd[b] - 1e-5f * (qn[b] + x->sqnorm[r]) >= bound[b]) continue;
          dd[b] = f_l2(qv[b], row, n);
        }
        if (nr[b] < k || dd[b] < bound[b]) {
          float* hd = s->res_d + b * (k + 1);
          int32_t* hi = s->res_i + b * (k + 1);
          max_push(hd, hi, &nr[b], dd[b], r);
          if (nr[b] > k) max_pop(hd, hi, &nr[b]);
          bound[b] = hd[0];
        }
      }
    }
    for (int b = 0; b < bq; b++) {
      float* hd = s->res_d + b * (k + 1);
      int32_t* hi = s->res_i + b * (k + 1);
      sort_pairs(hd, hi, nr[b]);
      int32_t* oi = out_i + (int64_t)(q0 + b) * k;
      float* od = out_d + (int64_t)(q0 + b) * k;
      for (int j = 0; j < k; j++) {
        oi[j] = j < nr[b] ? hi[j] : -1;
        od[j] = j < nr[b] ? (x->metric == METRIC_L2 && hd[j] < 0.f ? 0.f : hd[j]) : 3.4e38f;
      }
    }
  }
}

// ----------------------------------------------------------------------------- quantization
// Encodes rows first..first+n-1 with the index's quantizer (offset/scale already set) and fills
// code_sqnorm (L2) and sqnorm.
__attribute__((export_name("index_encode")))
void index_encode(Index* x, int32_t first, int32_t n) {
  for (int32_t r = first; r < first + n; r++) {
    const float* v = x->vectors + (int64_t)r * x->stride;
    if (x->metric != METRIC_HAMMING && x->sqnorm) x->sqnorm[r] = f_dot(v, v, x->stride);
    if (x->quant == QUANT_INT8) {
      // codes of the rotated vector x' = R·x when the index has a rotation (flat), else of x
      float rv[x->rot ? x->dim : 1];
      if (x->rot) {
        for (int i = 0; i < x->dim; i++) rv[i] = f_dot_n(x->rot + (int64_t)i * x->dim, v, x->dim);
        float rest = 0.f;
        for (int i = x->t_dims; i < x->dim; i++) rest += rv[i] * rv[i];
        x->rest_norm[r] = __builtin_sqrtf(rest) * 1.0001f + 1e-7f;
        v = rv;
      }
      int8_t* c = x->codes + (int64_t)r * x->code_stride;
      float n2 = 0.f;
      double err2 = 0.0, c2 = 0.0;
      for (int d = 0; d < x->code_stride; d++) {
        if (d >= x->dim) {
          c[d] = 0;
          continue;
        }
        float t = (v[d] - x->q_offset[d]) / x->q_scale[d];
        if (t > 127.f) t = 127.f;
        if (t < -127.f) t = -127.f;
        int8_t code = (int8_t)(t < 0 ? t - 0.5f : t + 0.5f);
        c[d] = code;
        float dec = x->q_offset[d] + x->q_scale[d] * (float)code;
        n2 += dec * dec;
        err2 += ((double)v[d] - dec) * ((double)v[d] - dec);
        c2 += (double)code * code;
      }
      x->code_sqnorm[r] = n2;
      if (x->code_sum) {
        const int t = x->rot ? x->t_dims : x->code_stride;
        int32_t sum = 0;
        for (int d = 0; d < t; d++) sum += c[d];
        x->code_sum[r] = sum;
      }
      if (x->code_err) {
        // rounded up a little so that float rounding never makes the bound too small
        x->code_err[r] = (float)(__builtin_sqrt(err2) * 1.0001 + 1e-7);
        x->code_norm[r] = (float)__builtin_sqrt(c2);
      }
    } else if (x->quant == QUANT_BINARY) {
      uint8_t* c = (uint8_t*)x->codes + (int64_t)r * x->code_stride;
      for (int b = 0; b < x->code_stride; b++) c[b] = 0;
      for (int d = 0; d < x->dim; d++)
        if (v[d] > x->q_offset[d]) c[d >> 3] |= (uint8_t)(1u << (d & 7));
    }
  }
}
