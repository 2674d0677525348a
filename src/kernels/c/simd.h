// Float vector helpers shared by the WebAssembly SIMD kernels (included by each .c file; every
// kernel is its own module, so these are compiled into each).
#ifndef EMBEDKIT_SIMD_H
#define EMBEDKIT_SIMD_H
#include <wasm_simd128.h>

// Sum of the four lanes.
static inline float hsum(v128_t v) {
  v128_t s = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}

// Largest of the four lanes.
static inline float hmax(v128_t v) {
  const v128_t m = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return wasm_f32x4_extract_lane(wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 1, 0, 3, 2)), 0);
}

// Dot product of n floats (n a multiple of 4), four independent accumulators.
static inline float f_dot(const float* a, const float* b, int n) {
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  for (; i < n; i += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
}
// y = 0;  y += x;  y *= a  (n a multiple of 4)
static inline void vzero(float* y, int n) {
  v128_t z = wasm_f32x4_splat(0.f);
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, z);
}
static inline void vadd(float* y, const float* x, int n) {
  for (int i = 0; i < n; i += 4)
    wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i), wasm_v128_load(x + i)));
}
static inline void vscale(float* y, float a, int n) {
  v128_t va = wasm_f32x4_splat(a);
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(y + i), va));
}
// acc += g * y;  y += g * x   (one pass: the gradient w.r.t. x uses y before its update)
static inline void vaxpy_pair(float* acc, float* y, float g, const float* x, int n) {
  v128_t vg = wasm_f32x4_splat(g);
  for (int i = 0; i < n; i += 4) {
    v128_t yi = wasm_v128_load(y + i);
    wasm_v128_store(acc + i, wasm_f32x4_add(wasm_v128_load(acc + i), wasm_f32x4_mul(vg, yi)));
    wasm_v128_store(y + i, wasm_f32x4_add(yi, wasm_f32x4_mul(vg, wasm_v128_load(x + i))));
  }
}
#endif
