// Min-heap (candidates: closest first) and max-heap (results: farthest first) on parallel
// (distance, id) arrays, and sorting of such pairs.
#ifndef EMBEDKIT_INDEX_HEAP_H
#define EMBEDKIT_INDEX_HEAP_H
#include <stdint.h>

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
static inline void min_heapify(float* d, int32_t* ids, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) min_sift_down(d, ids, n, i, d[i], ids[i]);
}

// Sorts (d, ids) ascending by d (heap.c).
void sort_pairs(float* d, int32_t* ids, int n);
#endif
