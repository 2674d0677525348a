// The flat (exact) index's clusters, kept next to a Store: k-means centroids over the rows, which
// are stored cluster by cluster, and the bound terms the scan skips clusters and rows with
// (flat-search.c; computed by flat-clusters.c).
#ifndef EMBEDKIT_INDEX_FLAT_H
#define EMBEDKIT_INDEX_FLAT_H
#include "store.h"

// layout: Clusters
typedef struct {
  int32_t nlist;           // clusters of the stored rows (k-means), 0 = none
  int32_t clustered_end;   // rows [0, clustered_end) are grouped by cluster, the rest is a tail
  const float* cent;       // nlist × stride centroids
  const int32_t* cl_start; // nlist + 1 row offsets of the clusters
  float* cl_r;             // max |x − c| over the cluster's rows
  float* cl_maxce;         // max c·(x − c) over the cluster's rows (inflated)
  float* cl_minsq;         // min |x|² over the cluster's rows
  float* cl_norm;          // |c|
  float* row_e;            // |x − c| of each clustered row (inflated)
  float* row_ce;           // c·(x − c) of each clustered row (inflated)
} Clusters;
#endif
