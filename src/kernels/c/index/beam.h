// The candidate and result sets of an HNSW beam search, and how scored nodes are offered to them
// (used by the searches and the build in hnsw.c).
#ifndef EMBEDKIT_INDEX_BEAM_H
#define EMBEDKIT_INDEX_BEAM_H
#include "heap.h"
#include "store.h"

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
static inline void pool_offer(const Store* x, const uint8_t* allow, Beam* B, float d, int32_t e) {
  if (!(B->nr < B->ef || d < B->rd[B->nr - 1])) return;
  if (admissible(x, allow, e)) pool_insert(B, d, e);
  else if (B->nc < B->cap) min_push(B->cd, B->ci, &B->nc, d, e);
}

static inline void heap_offer(const Store* x, const uint8_t* allow, Beam* B, float d, int32_t e) {
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
static inline void beam_start(const Store* x, const uint8_t* allow, Beam* B, float d, int32_t ep) {
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
__attribute__((always_inline)) static inline void beam_score(const Store* x, const Query* Q, const uint8_t* allow, Beam* B, const int32_t* ids, int m,
                              int use_codes) {
  Beam b = *B;  // a local copy: its counters stay in registers
  if (b.pool) BEAM_SCORE(pool_offer);
  else BEAM_SCORE(heap_offer);
  *B = b;
}

// Beam search on one level (HNSW Algorithm 2). Results (up to ef) are left in s->res_d/res_i with
// the count returned: a max-heap, or sorted by distance with `pool` (see Beam). `allow` (bitmap,
// optional) and deleted/free flags keep nodes out of the results but not out of the traversal.
#endif
