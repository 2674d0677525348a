// Exact (flat) search: every query against every stored row, eight queries per pass, with the
// int8 codes screening out rows that provably cannot be among the k nearest, and clusters
// (flat.h) skipped whole when the triangle inequality rules them out. Also the exact search of
// the HNSW index's very selective filters (no clusters).
#include "flat.h"
#include "heap.h"
#include "store.h"


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
static inline v128_t lower_bound(const Store* x, v128_t hi, v128_t qn, float xn) { return lower_bound_m(x->metric, hi, qn, xn); }

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
__attribute__((always_inline)) static inline void flat_scan_rows(const Store* x, const Clusters* cl, Scratch* s, FlatBlock* blk, float* tau_s, int* nr, int32_t from,
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
      const v128_t e = wasm_f32x4_splat(cl->row_e[r]);
      const v128_t ce = wasm_f32x4_splat(cl->row_ce[r]);
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

#define SCAN_ARGS const Store* x, const Clusters* cl, Scratch* s, FlatBlock* blk, float* tau_s, int* nr, int32_t from, int32_t to, int centroid, const uint8_t* allow, int32_t k
__attribute__((noinline)) static void scan_rows_l2(SCAN_ARGS) { flat_scan_rows(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_L2); }
__attribute__((noinline)) static void scan_rows_ip(SCAN_ARGS) { flat_scan_rows(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_IP); }
__attribute__((noinline)) static void scan_rows_cos(SCAN_ARGS) { flat_scan_rows(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k, METRIC_COSINE); }
static void scan_rows(SCAN_ARGS) {
  if (x->metric == METRIC_L2) scan_rows_l2(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k);
  else if (x->metric == METRIC_IP) scan_rows_ip(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k);
  else scan_rows_cos(x, cl, s, blk, tau_s, nr, from, to, centroid, allow, k);
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
static void flat_search_pruned(const Store* x, const Clusters* cl, Scratch* s, const float* queries, int32_t nq, int32_t k,
                               const uint8_t* allow, int32_t* out_i, float* out_d) {
  const int n = x->stride;
  const int cs = x->code_stride;
  const int t = x->rot ? x->t_dims : cs;  // first-stage code dims (all of them without a rotation)
  const int nlist = cl ? cl->nlist : 0;  // the HNSW index's exact search has no clusters
  const int32_t cend = nlist > 0 ? cl->clustered_end : 0;
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
        const float* c = cl->cent + (int64_t)j * n;
        const float cn2 = cl->cl_norm[j] * cl->cl_norm[j];
        for (int b = 0; b < FLAT_BLOCK; b++) {
          const float d = b < bq ? f_dot(s->qbuf + b * n, c, n) : 0.f;
          s->cq[j * FLAT_BLOCK + b] = d;
          s->cd[j * FLAT_BLOCK + b] = dist_up(blk.qn_s[b], cn2, d);
        }
      }
      // each cluster's key: the smallest lower bound over the block's queries
      for (int j = 0; j < nlist; j++) {
        const v128_t r = wasm_f32x4_splat(cl->cl_r[j]);
        const v128_t ce = wasm_f32x4_splat(cl->cl_maxce[j]);
        const v128_t cn = wasm_f32x4_splat(cl->cl_norm[j]);
        float lb[FLAT_BLOCK];
        for (int h = 0; h < 2; h++) {
          const v128_t hi = centroid_hi(wasm_v128_load(s->cq + j * FLAT_BLOCK + 4 * h), wasm_v128_load(s->cd + j * FLAT_BLOCK + 4 * h), blk.ql[h], r, ce, cn);
          wasm_v128_store(lb + 4 * h, lower_bound(x, hi, blk.qn[h], cl->cl_minsq[j]));
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
        const v128_t r = wasm_f32x4_splat(cl->cl_r[j]);
        const v128_t ce = wasm_f32x4_splat(cl->cl_maxce[j]);
        blk.cnorm = wasm_f32x4_splat(cl->cl_norm[j]);
        int mask = 0;
        for (int h = 0; h < 2; h++) {
          blk.ccq[h] = wasm_v128_load(s->cq + j * FLAT_BLOCK + 4 * h);
          blk.ccd[h] = wasm_v128_load(s->cd + j * FLAT_BLOCK + 4 * h);
          const v128_t hi = centroid_hi(blk.ccq[h], blk.ccd[h], blk.ql[h], r, ce, blk.cnorm);
          mask |= wasm_i32x4_bitmask(wasm_f32x4_lt(lower_bound(x, hi, blk.qn[h], cl->cl_minsq[j]), blk.tau[h])) << (4 * h);
        }
        if (!mask) continue;
        // the row bound costs a few operations per row: drop it for this block if it rejects little
        if (blk.use_row_bound && blk.tested >= 1024 && blk.rejected * 8 < blk.tested) blk.use_row_bound = 0;
        scan_rows(x, cl, s, &blk, tau_s, nr, cl->cl_start[j], cl->cl_start[j + 1], 1, allow, k);
      }
    }
    scan_rows(x, cl, s, &blk, tau_s, nr, cend, x->count, 0, allow, k);
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



// Exact k-NN of nq queries against rows 0..count-1 (skipping flagged and disallowed rows). Query
// blocks of 4 are scored against base rows together so each row is read once per block; a max-heap
// of size k per query keeps the best. s->res_* holds 4 heaps of k + 1 (a push precedes the pop).
__attribute__((export_name("flat_search_batch")))
void flat_search_batch(const Store* x, const Clusters* cl, Scratch* s, const float* queries, int32_t nq, int32_t k, const uint8_t* allow,
                       int32_t* out_i, float* out_d) {
  if (x->quant == QUANT_INT8 && x->code_err) {
    flat_search_pruned(x, cl, s, queries, nq, k, allow, out_i, out_d);
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
