// The HNSW graph (Malkov & Yashunin 2018) kept next to a Store: link lists, levels, per-node locks
// and the entry point. Its kernels (hnsw.c) receive the Store and the Graph.
#ifndef EMBEDKIT_INDEX_HNSW_H
#define EMBEDKIT_INDEX_HNSW_H
#include "store.h"

// layout: Graph
typedef struct {
  int32_t M;               // links per node on upper levels
  int32_t M0;              // links per node on level 0
  int32_t ef_construction;
  int32_t entry;           // entry point slot, -1 if empty
  int32_t max_level;
  int32_t* links0;         // capacity × (1 + M0): [n, ids...]
  int32_t* upper;          // capacity: offset (in int32) into pool of the node's levels 1..L, or -1
  uint8_t* levels;         // capacity
  int32_t* locks;          // capacity spin locks (seqlocks, see read_list)
  int32_t* pool;           // upper-level links: per level (1 + M) int32
  int32_t global_lock;     // guards entry and max_level
  int32_t concurrent;      // 1 while inserts run: searches then read link lists under locks
} Graph;

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

// ------------------------------------------------------------------------------- link lists
static inline int32_t* links_at(const Graph* h, int32_t id, int level) {
  if (level == 0) return h->links0 + (int64_t)id * (1 + h->M0);
  return h->pool + h->upper[id] + (int64_t)(level - 1) * (1 + h->M);
}

// A new tag for the visited marks of a search (all marks are cleared when the tags wrap).
static inline void next_tag(const Store* x, Scratch* s) {
  if (++s->tag > 65535) {
    for (int32_t i = 0; i < x->capacity; i++) s->visited[i] = 0;
    s->tag = 1;
  }
}
#endif
