// t-SNE with Barnes-Hut repulsion (van der Maaten 2014, "Accelerating t-SNE using tree-based
// algorithms", §4.2): every iteration one thread builds a quadtree (2-D) or octree (3-D) over the
// embedding, then each thread sums the repulsion of its rows by walking the tree, treating a cell as
// one point at its centre of mass when side / distance < θ (scikit-learn's criterion, angle 0.5).
// Rows are visited in Morton (Z) order, in groups of GROUP neighbours that share one walk (a cell is
// taken whole only when the criterion holds for the whole group's bounding box, so never coarser
// than one walk per row) and evaluate its list of cells four at a time in the SIMD lanes (Barnes
// 1990, "A modified tree code"). The attraction is exact over the sparse P (tsne-common.h). No
// random numbers: the result depends only on the start and on P.
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

// Spreads the low 16 bits of x to the even bits (2-D Morton code).
static inline uint32_t spread2(uint32_t x) {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  return (x | (x << 1)) & 0x55555555;
}

// Spreads the low 10 bits of x to every third bit (3-D Morton code).
static inline uint32_t spread3(uint32_t x) {
  x &= 0x3ff;
  x = (x | (x << 16)) & 0x030000ff;
  x = (x | (x << 8)) & 0x0300f00f;
  x = (x | (x << 4)) & 0x030c30c3;
  return (x | (x << 2)) & 0x09249249;
}

// order = the rows sorted by the Morton code of their position in the cube [lo, lo + side)^dims
// (ties by row: a stable LSD radix sort, 8 bits per pass). scratch: 3n words.
static void morton_order(const float* Y, int dims, int n, const float* lo, float side, int32_t* order, uint32_t* scratch) {
  uint32_t* keys = scratch;
  uint32_t* keys2 = scratch + n;
  int32_t* order2 = (int32_t*)(scratch + 2 * (size_t)n);
  const int bits = dims == 2 ? 16 : 10;
  const float scale = (float)(1 << bits) / side;
  const float top = (float)((1 << bits) - 1);
  for (int i = 0; i < n; i++) {
    uint32_t key = 0;
    for (int d = 0; d < dims; d++) {
      float q = (Y[(size_t)i * dims + d] - lo[d]) * scale;
      q = q > 0.f ? q : 0.f;  // also NaN (a diverged layout) to 0: float-to-int must not trap
      q = q < top ? q : top;
      key |= (dims == 2 ? spread2((uint32_t)q) : spread3((uint32_t)q)) << d;
    }
    keys[i] = key;
    order[i] = i;
  }
  for (int shift = 0; shift < 2 * 16; shift += 8) {
    int count[257] = {0};
    for (int i = 0; i < n; i++) count[((keys[i] >> shift) & 255) + 1]++;
    for (int b = 0; b < 256; b++) count[b + 1] += count[b];
    for (int i = 0; i < n; i++) {
      const int at = count[(keys[i] >> shift) & 255]++;
      keys2[at] = keys[i];
      order2[at] = order[i];
    }
    for (int i = 0; i < n; i++) {
      keys[i] = keys2[i];
      order[i] = order2[i];
    }
  }
}

// Builds the tree of the n rows of Y (n × dims) into `nodes` (room for `capacity` nodes, at least
// 1 + 2^dims) and writes the rows' Morton order to `order` (n; scratch: 3n words); returns the
// number of nodes used. Points are inserted in that order (deterministic). When the room runs out,
// further points join the leaf they reach (an approximation; the caller sizes the room so that
// this does not happen in practice).
__attribute__((export_name("tsne_bh_build"))) int tsne_bh_build(const float* Y, int dims, int n, Node* nodes, int capacity,
                                                                  int32_t* order, uint32_t* scratch) {
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
  float corner[3] = {0, 0, 0};
  for (int d = 0; d < dims; d++) corner[d] = centre[d] - half;
  morton_order(Y, dims, n, corner, 2.f * half, order, scratch);
  empty_node(&nodes[0], centre, half);
  int used = 1;
  for (int r = 0; r < n; r++) {
    const int i = order[r];
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
// Rows that share one walk, and the cells a walk lists before they are evaluated.
#define GROUP 32
#define LIST 512

// Adds the list's cells (SoA: centres of mass cx, cy, cz and counts cn; `len` a multiple of 4,
// padded with count 0) to the repulsion of one row at y: f += Σ N·w²·(y − com), z += Σ N·w with
// w = 1 / (1 + ‖y − com‖²), where a cell at distance 0 (the row's own leaf) counts N − 1 in z.
static inline void evaluate_list(const float* y, int dims, const float* cx, const float* cy, const float* cz, const float* cn,
                                 int len, float* f, float* z) {
  const v128_t one = wasm_f32x4_splat(1.f), zero = wasm_f32x4_splat(0.f);
  const v128_t y0 = wasm_f32x4_splat(y[0]), y1 = wasm_f32x4_splat(y[1]), y2 = wasm_f32x4_splat(dims == 3 ? y[2] : 0.f);
  v128_t s0 = zero, s1 = zero, s2 = zero, sz = zero;
  for (int c = 0; c < len; c += 4) {
    const v128_t d0 = wasm_f32x4_sub(y0, wasm_v128_load(cx + c));
    const v128_t d1 = wasm_f32x4_sub(y1, wasm_v128_load(cy + c));
    const v128_t d2 = wasm_f32x4_sub(y2, wasm_v128_load(cz + c));
    const v128_t dist2 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(d0, d0), wasm_f32x4_mul(d1, d1)), wasm_f32x4_mul(d2, d2));
    const v128_t w = wasm_f32x4_div(one, wasm_f32x4_add(one, dist2));
    const v128_t nw = wasm_f32x4_mul(wasm_v128_load(cn + c), w);
    // own leaf (distance 0, count > 0): one less in Z, and no force (d = 0)
    const v128_t self = wasm_v128_and(wasm_f32x4_eq(dist2, zero), wasm_f32x4_gt(wasm_v128_load(cn + c), zero));
    sz = wasm_f32x4_add(sz, wasm_f32x4_sub(nw, wasm_v128_and(self, one)));
    const v128_t nw2 = wasm_f32x4_mul(nw, w);
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(nw2, d0));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(nw2, d1));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(nw2, d2));
  }
  f[0] += hsum(s0);
  f[1] += hsum(s1);
  f[2] += hsum(s2);
  *z += hsum(sz);
}

// Repulsion of the rows order[begin..end) from the tree: rep_i = Σ_cells N·w²·(y_i − com) with
// w = 1 / (1 + ‖y_i − com‖²), where a cell is taken whole when it is a leaf or its side is below θ
// times its distance from the group's bounding box. Returns Σ_i Σ_cells N·w over the rows (the
// caller sums it over all rows into Z = Σ_{k≠l} w_kl; F_rep,i = rep_i / Z). The row itself (and
// rows at exactly its position) count 0 in the force and are left out of the sum.
static double repulsion_rows(const float* Y, int dims, const int32_t* order, int begin, int end, const Node* nodes, float theta,
                             float* rep) {
  const int fan = 1 << dims;
  const float theta2 = theta * theta;
  int32_t stack[STACK_CELLS];
  float cx[LIST], cy[LIST], cz[LIST], cn[LIST];
  double zsum = 0;
  for (int g = begin; g < end; g += GROUP) {
    const int members = end - g < GROUP ? end - g : GROUP;
    float lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
    for (int d = 0; d < dims; d++) lo[d] = hi[d] = Y[(size_t)order[g] * dims + d];
    for (int m = 1; m < members; m++)
      for (int d = 0; d < dims; d++) {
        const float v = Y[(size_t)order[g + m] * dims + d];
        lo[d] = v < lo[d] ? v : lo[d];
        hi[d] = v > hi[d] ? v : hi[d];
      }
    float f[GROUP][3] = {{0}}, z[GROUP] = {0};
    int len = 0, top = 0;
    stack[top++] = 0;
    while (top > 0 || len > 0) {
      // the walk: list the cells to take whole; when the list is full or the walk is done, evaluate
      while (top > 0 && len < LIST) {
        const Node* nd = &nodes[stack[--top]];
        if (nd->count == 0.f) continue;
        float gap2 = 0.f;  // squared distance from the bounding box to the centre of mass
        for (int d = 0; d < dims; d++) {
          const float below = lo[d] - nd->com[d], above = nd->com[d] - hi[d];
          const float gap = below > 0.f ? below : (above > 0.f ? above : 0.f);
          gap2 += gap * gap;
        }
        const float side = 2.f * nd->half;
        if (nd->child < 0 || side * side < theta2 * gap2) {
          cx[len] = nd->com[0];
          cy[len] = nd->com[1];
          cz[len] = dims == 3 ? nd->com[2] : 0.f;
          cn[len++] = nd->count;
        } else {
          for (int c = fan - 1; c >= 0; c--) stack[top++] = nd->child + c;
        }
      }
      while (len & 3) {  // pad to whole SIMD vectors
        cx[len] = cy[len] = cz[len] = 0.f;
        cn[len++] = 0.f;
      }
      for (int m = 0; m < members; m++) {
        float y[3] = {0, 0, 0};
        for (int d = 0; d < dims; d++) y[d] = Y[(size_t)order[g + m] * dims + d];
        evaluate_list(y, dims, cx, cy, cz, cn, len, f[m], &z[m]);
      }
      len = 0;
    }
    for (int m = 0; m < members; m++) {
      float* r = rep + (size_t)order[g + m] * dims;
      for (int d = 0; d < dims; d++) r[d] = f[m][d];
      zsum += z[m];
    }
  }
  return zsum;
}

// The attraction (exact over P) and the Barnes-Hut repulsion of the rows order[begin..end) on the
// tree built by tsne_bh_build; returns the rows' share of Z (see repulsion_rows). Thread ranges
// should start at multiples of GROUP (32), so that the groups do not depend on the split.
__attribute__((export_name("tsne_bh_forces"))) double tsne_bh_forces(const float* Y, int dims, int begin, int end,
                                                                      const int32_t* rowptr, const int32_t* cols, const float* pv,
                                                                      const Node* nodes, const int32_t* order, float theta,
                                                                      float* attr, float* rep) {
  for (int r = begin; r < end; r++) tsne_attraction_row(Y, dims, order[r], rowptr, cols, pv, attr + (size_t)order[r] * dims);
  return repulsion_rows(Y, dims, order, begin, end, nodes, theta, rep);
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
                                                                    int32_t* order, uint32_t* scratch, float theta, float* attr, float* rep, float exaggeration,
                                                                    float* gains, float* update, float momentum, float lr,
                                                                    float minGain, int steps) {
  double norm = 0;
  for (int s = 0; s < steps; s++) {
    tsne_bh_build(Y, dims, n, nodes, capacity, order, scratch);
    const double z = tsne_bh_forces(Y, dims, 0, n, rowptr, cols, pv, nodes, order, theta, attr, rep);
    norm = tsne_step_rows(Y, dims, 0, n, attr, rep, exaggeration, z > 0 ? (float)(1.0 / z) : 0.f, gains, update, momentum, lr, minGain);
  }
  return norm;
}
