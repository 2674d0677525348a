// Sorting of (distance, id) pairs, shared by the flat scan and the HNSW searches.
#include "heap.h"

// Sorts (d, i) ascending by d: insertion sort for short arrays, heapsort for long ones (the ef
// candidates of an insert can be hundreds long).
void sort_pairs(float* d, int32_t* ids, int n) {
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

