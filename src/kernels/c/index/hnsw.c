// HNSW kernels (Malkov & Yashunin 2018, with hnswlib's neighbour selection): parallel insertion
// (per-node seqlocks), beam search on the traversal codes with bounded exact re-ranking, batches of
// queries searched in interleaved lanes, and repair of the graph after deletions. Every function
// receives the Store (rows, codes) and the Graph (links, levels) of one index.
#include "beam.h"
#include "heap.h"
#include "hnsw.h"
#include "store.h"

// Where the rows a traversal distance reads live: the codes, or the vectors without codes.
typedef struct {
  const uint8_t* base;
  int64_t stride;  // bytes
  int lines;       // cache lines requested per row
} RowSource;

static inline RowSource row_source(const Store* x) {
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


// `locked` copies link lists under their node's lock (needed while other threads insert).
static int search_layer(const Store* x, const Graph* h, Scratch* s, const Query* Q, int32_t ep, int level, int ef,
                        const uint8_t* allow, int use_codes, int locked, int pool) {
  next_tag(x, s);
  const uint16_t tag = (uint16_t)s->tag;
  const int mmax = level == 0 ? h->M0 : h->M;
  Beam B = {s->res_d, s->res_i, s->cand_d, s->cand_i, s->sel_i, 0, 0, 0, ef, s->cand_cap, pool, 0.f};
  beam_start(x, allow, &B, use_codes ? dist_trav(x, Q, ep) : dist_query(x, Q->qbuf, ep), ep);
  int32_t dist_count = 1;
  s->visited[ep] = tag;
  const RowSource rows = row_source(x);
  for (int32_t c; (c = beam_next(&B)) >= 0;) {
    const int32_t ahead = beam_peek(&B);  // the next expansion's list, ahead (all its cache lines)
    if (ahead >= 0) request_lines(links_at(h, ahead, level), lines_of((mmax + 1) * 4));
    int32_t* list = links_at(h, c, level);
    int32_t* nb = list;
    if (locked) {
      read_list(&h->locks[c], list, s->nbuf, mmax);
      nb = s->nbuf;
    }
    // Pass 1: the unvisited neighbours, with their rows requested from memory all at once (their
    // cache misses then overlap instead of being paid one distance at a time).
    const int n = nb[0];
    int32_t* fresh = s->nbuf + h->M0 + 1;
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
static int32_t greedy(const Store* x, const Graph* h, Scratch* s, const float* q, const Query* Q, int32_t ep, int level, int locked) {
  const int codes = Q && x->quant != QUANT_NONE;
  const uint16_t tag = (uint16_t)s->tag;
  s->visited[ep] = tag;
  float d = codes ? dist_trav(x, Q, ep) : dist_query(x, q, ep);
  int changed = 1;
  while (changed) {
    changed = 0;
    int32_t* list = links_at(h, ep, level);
    int32_t* nb = list;
    if (locked) {
      read_list(&h->locks[ep], list, s->nbuf, level == 0 ? h->M0 : h->M);
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

// Folds stored row `id`'s int8 code into query form, as prepare_query does for a float query but
// from the decoded code x̂ = offset + scale·code, so that the distance between two stored rows is
// am[0] + am[1]·(fold · code) (+ |x̂|² for L2) without reading either float vector. The build of a
// quantized index works on codes only: they are 4× smaller than the vectors and, for an index
// larger than the cache, the float reads were a third of the build time (gauss128).
static void fold_code(const Store* x, int32_t id, int16_t* out, float* am) {
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
static inline float dist_fold(const Store* x, const int16_t* fold, const float* am, int32_t id) {
  const float d = am[0] + am[1] * (float)code_dot(fold, x->codes + (int64_t)id * x->code_stride, dot_dims(x));
  return x->metric == METRIC_L2 ? d + x->code_sqnorm[id] : d;
}

// Neighbour selection heuristic (HNSW Algorithm 4, hnswlib getNeighborsByHeuristic2): from the
// candidates in ascending distance to the base, keep e unless some kept r is closer to e than the
// base is. Leaves the kept ones first in (d, ids), ascending, and returns how many (<= m). The
// candidates are popped from a min-heap, so only as many are ordered as the selection looks at
// (it usually stops well before the end of ef candidates). With `codes` (int8), each kept row is
// folded once and compared with later candidates by integer dot products (no float reads).
static int select_heuristic(const Store* x, Scratch* s, float* d, int32_t* ids, int n, int m, int codes) {
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
static void add_link(const Store* x, const Graph* h, Scratch* s, int32_t e, int32_t q, int level) {
  const int mmax = level == 0 ? h->M0 : h->M;
  spin_lock(&h->locks[e]);
  int32_t* list = links_at(h, e, level);
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
      int16_t* fe = s->fold + (h->M0 + 1) * x->code_stride;  // e folded, past the heuristic's folds
      float* ae = s->fold_am + 2 * (h->M0 + 1);
      if (codes) fold_code(x, e, fe, ae);
      for (int j = 0; j <= n; j++) d[j] = codes ? dist_fold(x, fe, ae, ids[j]) : dist_nodes(x, e, ids[j]);
      const int k = select_heuristic(x, s, d, ids, n + 1, mmax, codes);
      for (int j = 0; j < k; j++) list[j + 1] = ids[j];
      list[0] = k;
    }
  }
  spin_unlock(&h->locks[e]);
}

// Inserts the vector already stored in slot `q` (level set in levels[q], upper links reserved).
static void insert(const Store* x, Graph* h, Scratch* s, int32_t q) {
  const int level = h->levels[q];
  const float* v = row_at(x, q);
  // links of q start empty
  for (int l = 0; l <= level; l++) links_at(h, q, l)[0] = 0;
  spin_lock(&h->global_lock);
  int32_t ep = h->entry;
  const int top = h->max_level;
  if (ep < 0) {
    h->entry = q;
    h->max_level = level;
    spin_unlock(&h->global_lock);
    return;
  }
  const int raise = level > top;
  if (!raise) spin_unlock(&h->global_lock);  // keep holding it while q becomes the new top
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
  for (int l = top; l > level; l--) ep = greedy(x, h, s, v, codes ? &Qv : 0, ep, l, 1);
  for (int l = (level < top ? level : top); l >= 0; l--) {
    int nr = search_layer(x, h, s, &Qv, ep, l, h->ef_construction, 0, codes, 1, 0);
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
    const int k = select_heuristic(x, s, s->sel_d, s->sel_i, nr, h->M, int8);
    int32_t* mine = links_at(h, q, l);
    spin_lock(&h->locks[q]);
    for (int j = 0; j < k; j++) {
      mine[j + 1] = s->sel_i[j];
      s->nbuf[j] = s->sel_i[j];  // add_link below reuses sel_*; other threads may extend `mine`
    }
    mine[0] = k;
    spin_unlock(&h->locks[q]);
    for (int j = 0; j < k; j++)
      if (s->nbuf[j] != q) add_link(x, h, s, s->nbuf[j], q, l);
  }
  if (raise) {
    h->entry = q;
    h->max_level = level;
    spin_unlock(&h->global_lock);
  }
}

// Inserts the n slots listed at `slots`, shared between threads through the atomic counter at
// `next` (each thread takes the next slot in the list).
__attribute__((export_name("hnsw_insert_list")))
void hnsw_insert_list(const Store* x, Graph* h, Scratch* s, const int32_t* slots, int32_t n, int32_t* next) {
  for (;;) {
    int32_t i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (i >= n) break;
    insert(x, h, s, slots[i]);
  }
}

// Lowest exact distance that stored row `id` can have given its traversal distance `dt`: with int8
// codes, |q·x − traversal estimate of q·x| <= |q|·err + qerr·|code|; a distance is (±) 2× or 1×
// that, plus float slack.
static inline float rerank_lower(const Store* x, const Query* Q, int32_t id, float dt) {
  const float b = Q->qlen * x->code_err[id] + Q->qerr * x->code_norm[id];
  const float slack = 1e-5f * (1.f + (dt < 0 ? -dt : dt));
  if (x->metric == METRIC_L2) return dt + (x->sqnorm[id] - x->code_sqnorm[id]) - 2.f * b - slack;  // the estimate used |x̂|², not |x|²
  return dt - b - slack;
}

#define RERANK_AHEAD 8

// Sorts the nr traversal results and requests from memory the float rows of the first ones that
// re-ranking reads unconditionally (see rerank).
static void rerank_prefetch(const Store* x, float* rd, int32_t* ri, int nr, int k) {
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
static int rerank(const Store* x, const Query* Q, float* rd, int32_t* ri, int nr, int k) {
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
static int32_t descend(const Store* x, const Graph* h, Scratch* s, const Query* Q, int locked) {
  int32_t ep = h->entry;
  next_tag(x, s);
  for (int l = h->max_level; l > 0; l--) ep = greedy(x, h, s, Q->qbuf, Q, ep, l, locked);
  return ep;
}

// k nearest neighbours of one query: k (id, distance) pairs sorted ascending to out_i/out_d
// (padded with id -1). With codes, the ef traversal results are re-ranked by exact
// distance when the vectors are kept.
static void search_one(const Store* x, const Graph* h, Scratch* s, const float* query, int k, int ef, const uint8_t* allow,
                       int32_t* out_i, float* out_d) {
  if (h->entry < 0) {
    write_results(0, 0, 0, k, out_i, out_d);
    return;
  }
  Query Q = {s->qbuf, s->qcode, s->qbits, 0.f, 0.f, 0.f, 0.f};
  prepare_query(x, &Q, query);
  const int locked = __atomic_load_n(&h->concurrent, __ATOMIC_ACQUIRE);
  const int32_t ep = descend(x, h, s, &Q, locked);
  if (ef < k) ef = k;
  const int use_codes = x->quant != QUANT_NONE;
  const int pool = ef <= POOL_MAX_EF;
  int nr = search_layer(x, h, s, &Q, ep, 0, ef, allow, use_codes, locked, pool);
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
static int lanes_carve(const Store* x, const Graph* h, const Scratch* s, Lane* L, int n) {
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
    L[g].fresh = (int32_t*)carve(&at, (int64_t)h->M0 * 4);
    L[g].log = (int32_t*)carve(&at, LANE_LOG * 4);
    L[g].state = LANE_IDLE;
  }
  return at - s->lanes <= s->lanes_bytes;
}

// Requests every cache line of a node's level-0 link list.
static inline void request_list(const Graph* h, int32_t id) {
  request_lines(h->links0 + (int64_t)id * (1 + h->M0), lines_of((int64_t)(1 + h->M0) * 4));
}

// Starts query qi in lane L: prepares it, descends the upper levels and seeds level 0 with the
// entry point (scored next turn as LANE_SCORE with no fresh neighbours pops it and requests its list).
static void lane_start(const Store* x, const Graph* h, Scratch* s, Lane* L, uint8_t* vis, uint8_t bit, const float* query, int32_t qi,
                       const uint8_t* allow, int use_codes) {
  prepare_query(x, &L->Q, query);
  const int32_t ep = descend(x, h, s, &L->Q, 0);
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
static void lane_score(const Store* x, Scratch* s, Lane* L, int k, const uint8_t* allow, int use_codes) {
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
static void lane_expand(const Graph* h, Lane* L, uint8_t* vis, uint8_t bit) {
  const int32_t* nb = links_at(h, L->c, 0);
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
static void lane_finish(const Store* x, Lane* L, uint8_t* vis, uint8_t bit, int k, int32_t* out_i, float* out_d) {
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
static int32_t search_lanes(const Store* x, const Graph* h, Scratch* s, const uint8_t* queries, int32_t nq, int32_t k, int32_t ef,
                            const uint8_t* allow, int32_t* out_i, float* out_d) {
  Lane L[LANES_MAX];
  int G = s->lane_count < LANES_MAX ? s->lane_count : LANES_MAX;
  if (G > nq) G = nq;
  if (!lanes_carve(x, h, s, L, G)) return 0;
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
    lane_start(x, h, s, &L[g], vis, (uint8_t)(1u << g), (const float*)(queries + next * rb), next, allow, use_codes);
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
        if (next < nq && !__atomic_load_n(&h->concurrent, __ATOMIC_ACQUIRE)) {
          lane_start(x, h, s, l, vis, bit, (const float*)(queries + next * rb), next, allow, use_codes);
          next++;
        } else active--;
      }
      if (l->state == LANE_SCORE) lane_score(x, s, l, k, allow, use_codes);
    }
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_EXPAND) request_list(h, L[g].c);
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_EXPAND) lane_expand(h, &L[g], vis, (uint8_t)(1u << g));
    for (int g = 0; g < G; g++)
      if (L[g].state == LANE_SCORE) request_rows(rows, L[g].fresh, L[g].m);
  }
  s->lanes_clean = 1;  // every lane cleared its bits when it finished
  return next;
}

// nq queries (rows of `queries`, one stored row's size apart); results at out_i/out_d + q*k, padded
// with id -1. Returns the total distance computations.
__attribute__((export_name("hnsw_search_batch")))
int32_t hnsw_search_batch(const Store* x, const Graph* h, Scratch* s, const float* queries, int32_t nq, int32_t k, int32_t ef,
                          const uint8_t* allow, int32_t* out_i, float* out_d) {
  s->stats_dist = 0;
  int32_t i = 0;
  if (s->lanes_bytes > 0 && s->lane_count > 1 && nq > 1 && h->entry >= 0 && !__atomic_load_n(&h->concurrent, __ATOMIC_ACQUIRE))
    i = search_lanes(x, h, s, (const uint8_t*)queries, nq, k, ef, allow, out_i, out_d);
  for (; i < nq; i++)
    search_one(x, h, s, (const float*)((const uint8_t*)queries + i * row_bytes(x)), k, ef, allow, out_i + (int64_t)i * k, out_d + (int64_t)i * k);
  return s->stats_dist;
}


// ------------------------------------------------------------------------------ deletions
// Repairs the graph after nodes were flagged FLAG_DELETED: every live node that links to a
// deleted one gets a new list chosen by the heuristic from its live neighbours and the live
// neighbours of its deleted neighbours (hnswlib's repairConnectionsForUpdate idea, applied to
// all in-links so that slots can be reused). Deleted nodes become FLAG_FREE. Picks a new entry
// point if needed. Single-threaded (call with no concurrent inserts).
__attribute__((export_name("hnsw_repair")))
void hnsw_repair(Store* x, Graph* h, Scratch* s) {
  for (int32_t u = 0; u < x->count; u++) {
    if (x->flags[u] & (FLAG_DELETED | FLAG_FREE)) continue;
    for (int l = 0; l <= h->levels[u]; l++) {
      int32_t* list = links_at(h, u, l);
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
          if (s->visited[e] != tag && nc < s->res_cap + h->M0) {
            s->visited[e] = tag;
            s->sel_i[nc] = e;
            s->sel_d[nc++] = dist_nodes(x, u, e);
          }
          continue;
        }
        if (h->levels[e] < l) continue;
        int32_t* dl = links_at(h, e, l);
        for (int t = 1; t <= dl[0]; t++) {
          const int32_t f = dl[t];
          if (x->flags[f] & (FLAG_DELETED | FLAG_FREE) || s->visited[f] == tag) continue;
          if (nc >= s->res_cap + h->M0) break;
          s->visited[f] = tag;
          s->sel_i[nc] = f;
          s->sel_d[nc++] = dist_nodes(x, u, f);
        }
      }
      const int k = select_heuristic(x, s, s->sel_d, s->sel_i, nc, l == 0 ? h->M0 : h->M, 0);
      for (int j = 0; j < k; j++) list[j + 1] = s->sel_i[j];
      list[0] = k;
    }
  }
  int32_t best = -1;
  int best_level = -1;
  for (int32_t u = 0; u < x->count; u++) {
    if (x->flags[u] & FLAG_DELETED) {
      x->flags[u] = FLAG_FREE;
      for (int l = 0; l <= h->levels[u]; l++) links_at(h, u, l)[0] = 0;
    }
    if (!(x->flags[u] & FLAG_FREE) && h->levels[u] > best_level) {
      best_level = h->levels[u];
      best = u;
    }
  }
  if (h->entry < 0 || (x->flags[h->entry] & FLAG_FREE)) {
    h->entry = best;
    h->max_level = best_level < 0 ? 0 : best_level;
  } else if (best_level > h->max_level) {
    h->entry = best;
    h->max_level = best_level;
  }
}
