// The store's code space: queries folded into it (prepare_query) and rows encoded into it
// (store_encode), int8 codes optionally in a rotated basis, or binary sign bits.
#include "store.h"

// Prepares the query for traversal: normalises for cosine, and folds it into code space:
// q·x̂ = q·offset + Σ (q_d scale_d) code_d ≈ q·offset + S Σ qcode_d code_d with qcode = round(w/S).
void prepare_query(const Store* x, Query* s, const float* q) {
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


// ----------------------------------------------------------------------------- quantization
// Encodes rows first..first+n-1 with the index's quantizer (offset/scale already set) and fills
// code_sqnorm (L2) and sqnorm.
__attribute__((export_name("store_encode")))
void store_encode(Store* x, int32_t first, int32_t n) {
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
