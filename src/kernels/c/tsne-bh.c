// t-SNE with Barnes-Hut repulsion (van der Maaten 2014, "Accelerating t-SNE using tree-based
// algorithms", §4.2): every iteration one thread builds a quadtree (2-D) or octree (3-D) over the
// embedding, then each thread sums the repulsion of its rows by walking the tree, treating a cell as
// one point at its centre of mass when side / distance < θ (scikit-learn's criterion, angle 0.5).
// The attraction is exact over the sparse P (tsne-common.h). No random numbers: the result depends
// only on the start and on P, for any split of the rows over threads.
#include <stddef.h>
#include <stdint.h>
#include "simd.h"
#include "tsne-common.h"

// One cell. A leaf (child < 0) holds `count` points that all sit at its `com` (point ≥ 0 is one
// of them; identical positions always share a leaf), or, when the tree ran out of depth or
// capacity, several points summed into `com` (point = -1). An inner node's `com` is the centre of
// mass of its points (a sum while the tree grows).
typedef struct {
  float centre[3];
  float half;  // half the side
  float com[3];
  float count;
  int32_t child;  // first of the 2^dims children (stored together), or -1
  int32_t point;
} Node;

// Deeper cells than this (side 2^-24 of the root's) keep their points together.
#define MAX_DEPTH 24

static inline void empty_node(Node* nd, const float* centre, float half) {
  nd->centre[0] = centre[0];
  nd->centre[1] = centre[1];
  nd->centre[2] = centre[2];
  nd->half = half;
  nd->com[0] = nd->com[1] = nd->com[2] = 0.f;
  nd->count = 0.f;
  nd->child = -1;
  nd->point = -1;
}

static inline int quadrant(const Node* nd, const float* y, int dims) {
  int q = 0;
  for (int d = 0; d < dims; d++) q |= (y[d] >= nd->centre[d]) << d;
  return q;
}

static inline int same_position(const float* a, const float* b, int dims) {
  for (int d = 0; d < dims; d++)
    if (a[d] != b[d]) return 0;
  return 1;
}

// Builds the tree of the n rows of Y (n × dims) into `nodes` (room for `capacity` nodes, at least
// 1 + 2^dims); returns the number used. Points are inserted in row order (deterministic). When the
// room runs out, further points join the leaf they reach (an approximation; the caller sizes the
// room so that this does not happen in practice).
__attribute__((export_name("tsne_bh_build"))) int tsne_bh_build(const float* Y, int dims, int n, Node* nodes, int capacity) {
  if (n <= 0) return 0;
  const int fan = 1 << dims;
  float lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  for (int d = 0; d < dims; d++) lo[d] = hi[d] = Y[d];
  for (int i = 1; i < n; i++)
    for (int d = 0; d < dims; d++) {
      const float v = Y[(size_t)i * dims + d];
      lo[d] = v < lo[d] ? v : lo[d];
      hi[d] = v > hi[d] ? v : hi[d];
    }
  float centre[3] = {0, 0, 0}, half = 0.f;
  for (int d = 0; d < dims; d++) {
    centre[d] = 0.5f * (lo[d] + hi[d]);
    const float h = 0.5f * (hi[d] - lo[d]);
    half = h > half ? h : half;
  }
  // a little wider, so that the largest coordinates fall strictly inside
  half = half * 1.0001f + 1e-6f;
  empty_node(&nodes[0], centre, half);
  int used = 1;
  for (int i = 0; i < n; i++) {
    const float* y = Y + (size_t)i * dims;
    int at = 0, depth = 0;
    for (;;) {
      Node* nd = &nodes[at];
      if (nd->child >= 0) {  // inner: add the point's mass, go down
        for (int d = 0; d < dims; d++) nd->com[d] += y[d];
        nd->count += 1.f;
        at = nd->child + quadrant(nd, y, dims);
        depth++;
        continue;
      }
      if (nd->count == 0.f) {  // empty leaf
        for (int d = 0; d < dims; d++) nd->com[d] = y[d];
        nd->count = 1.f;
        nd->point = i;
        break;
      }
      if (nd->point >= 0 && same_position(nd->com, y, dims)) {  // a duplicate position
        nd->count += 1.f;
        break;
      }
      if (nd->point < 0 || depth >= MAX_DEPTH || used + fan > capacity) {  // no split: sum into com
        if (nd->point >= 0)
          for (int d = 0; d < dims; d++) nd->com[d] *= nd->count;
        for (int d = 0; d < dims; d++) nd->com[d] += y[d];
        nd->count += 1.f;
        nd->point = -1;
        break;
      }
      // split: the leaf's points move (together) to one child, the leaf becomes an inner node
      const float h = 0.5f * nd->half;
      nd->child = used;
      for (int c = 0; c < fan; c++) {
        float cc[3] = {0, 0, 0};
        for (int d = 0; d < dims; d++) cc[d] = nd->centre[d] + (((c >> d) & 1) ? h : -h);
        empty_node(&nodes[used + c], cc, h);
      }
      used += fan;
      Node* moved = &nodes[nd->child + quadrant(nd, nd->com, dims)];
      for (int d = 0; d < dims; d++) {
        moved->com[d] = nd->com[d];
        nd->com[d] *= nd->count;  // inner nodes hold sums until the end
      }
      moved->count = nd->count;
      moved->point = nd->point;
      nd->point = -1;
    }
  }
  // sums to centres of mass (inner nodes and merged leaves)
  for (int k = 0; k < used; k++) {
    Node* nd = &nodes[k];
    if (nd->point < 0 && nd->count > 0.f) {
      const float inv = 1.f / nd->count;
      for (int d = 0; d < dims; d++) nd->com[d] *= inv;
    }
  }
  return used;
}

// Cells waiting on the walk's stack: at most (2^dims − 1) per level, plus one.
#define STACK_CELLS (7 * (MAX_DEPTH + 2) + 1)

// Repulsion of rows [begin, end) from the tree: rep_i = Σ_cells N·w²·(y_i − com) with
// w = 1 / (1 + ‖y_i − com‖²), where a cell is taken whole when it is a leaf or its side is below
// θ times its distance. Returns Σ_i Σ_cells N·w over the rows (the caller sums it over all rows
// into Z = Σ_{k≠l} w_kl; F_rep,i = rep_i / Z). The row itself (and rows at exactly its position)
// count 0 in the force and are left out of the sum.
static double repulsion_rows(const float* Y, int dims, int begin, int end, const Node* nodes, float theta, float* rep) {
  const int fan = 1 << dims;
  const float theta2 = theta * theta;
  int32_t stack[STACK_CELLS];
  double zsum = 0;
  for (int i = begin; i < end; i++) {
    const float* y = Y + (size_t)i * dims;
    float f0 = 0.f, f1 = 0.f, f2 = 0.f, z = 0.f;
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Node* nd = &nodes[stack[--top]];
      if (nd->count == 0.f) continue;
      const float d0 = y[0] - nd->com[0], d1 = y[1] - nd->com[1], d2 = dims == 3 ? y[2] - nd->com[2] : 0.f;
      const float dist2 = d0 * d0 + d1 * d1 + d2 * d2;
      const float side = 2.f * nd->half;
      if (nd->child < 0 || side * side < theta2 * dist2) {
        if (dist2 == 0.f) {  // the row's own leaf: the others there are at distance 0 (w = 1, no force)
          z += nd->count - 1.f;
          continue;
        }
        const float w = 1.f / (1.f + dist2);
        const float nw = nd->count * w;
        z += nw;
        const float nw2 = nw * w;
        f0 += nw2 * d0;
        f1 += nw2 * d1;
        f2 += nw2 * d2;
      } else {
        for (int c = fan - 1; c >= 0; c--) stack[top++] = nd->child + c;
      }
    }
    float* r = rep + (size_t)i * dims;
    r[0] = f0;
    r[1] = f1;
    if (dims == 3) r[2] = f2;
    zsum += z;
  }
  return zsum;
}

// The attraction (exact over P) and the Barnes-Hut repulsion of rows [begin, end) on the tree
// built by tsne_bh_build; returns the rows' share of Z (see repulsion_rows).
__attribute__((export_name("tsne_bh_forces"))) double tsne_bh_forces(const float* Y, int dims, int begin, int end,
                                                                      const int32_t* rowptr, const int32_t* cols, const float* pv,
                                                                      const Node* nodes, float theta, float* attr, float* rep) {
  for (int i = begin; i < end; i++) tsne_attraction_row(Y, dims, i, rowptr, cols, pv, attr + (size_t)i * dims);
  return repulsion_rows(Y, dims, begin, end, nodes, theta, rep);
}

// The gradient step of rows [begin, end) (tsne-common.h), the repulsion scaled by repScale = 1/Z.
__attribute__((export_name("tsne_bh_update"))) double tsne_bh_update(float* Y, int dims, int begin, int end, const float* attr,
                                                                      const float* rep, float exaggeration, float repScale,
                                                                      float* gains, float* update, float momentum, float lr,
                                                                      float minGain) {
  return tsne_step_rows(Y, dims, begin, end, attr, rep, exaggeration, repScale, gains, update, momentum, lr, minGain);
}

// `steps` whole iterations on one thread (all n rows): tree, forces, step. Saves two round trips
// to the main thread per iteration.
__attribute__((export_name("tsne_bh_steps"))) double tsne_bh_steps(float* Y, int dims, int n, const int32_t* rowptr,
                                                                    const int32_t* cols, const float* pv, Node* nodes, int capacity,
                                                                    float theta, float* attr, float* rep, float exaggeration,
                                                                    float* gains, float* update, float momentum, float lr,
                                                                    float minGain, int steps) {
  double norm = 0;
  for (int s = 0; s < steps; s++) {
    tsne_bh_build(Y, dims, n, nodes, capacity);
    const double z = tsne_bh_forces(Y, dims, 0, n, rowptr, cols, pv, nodes, theta, attr, rep);
    norm = tsne_step_rows(Y, dims, 0, n, attr, rep, exaggeration, z > 0 ? (float)(1.0 / z) : 0.f, gains, update, momentum, lr, minGain);
  }
  return norm;
}
