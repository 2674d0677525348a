// 2-D convolution kernels of the trainable CNNs (src/learn/conv2d.ts): stride 1, "same" zero
// padding (k odd, pad k/2), NCHW float32 tensors, lowered to matrix products by im2col
// (Chellapilla et al. 2006): for one sample, col[(c·k + ky)·k + kx][y·W + x] = x[c][y + ky − p][x + kx − p]
// (zero outside), then
//   forward          Y[o][·]  = b[o] + Σ_j Wt[o][j] · col[j][·]          (O × K)·(K × HW)
//   weight gradient  dW[o][j] += Σ_s dY[o][s] · col[j][s]                  (O × HW)·(HW × K)
//   input gradient   dcol[j][·] = Σ_o Wt[o][j] · dY[o][·], then col2im     (K × O)·(O × HW)
// with K = C·k·k. Sums run in a fixed order: one thread is bit-for-bit repeatable.
// All pointers are offsets into the shared memory laid out by src/learn/conv-kernel.ts.
#include <stddef.h>
#include <stdint.h>
#include "simd.h"

// col (K × HW) of one sample x (C × H × W).
static void im2col(const float* x, int C, int H, int W, int k, float* col) {
  const int p = k / 2;
  const size_t hw = (size_t)H * W;
  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < k; ky++)
      for (int kx = 0; kx < k; kx++) {
        float* row = col + (size_t)((c * k + ky) * k + kx) * hw;
        const int shift = kx - p;
        const int x0 = shift < 0 ? -shift : 0;     // first output column whose source is inside
        const int x1 = shift > 0 ? W - shift : W;  // end of those columns
        for (int y = 0; y < H; y++) {
          float* out = row + (size_t)y * W;
          const int sy = y + ky - p;
          if (sy < 0 || sy >= H || x1 <= x0) {
            for (int i = 0; i < W; i++) out[i] = 0.f;
            continue;
          }
          const float* src = x + ((size_t)c * H + sy) * W;
          for (int i = 0; i < x0; i++) out[i] = 0.f;
          for (int i = x0; i < x1; i++) out[i] = src[i + shift];
          for (int i = x1; i < W; i++) out[i] = 0.f;
        }
      }
}

// g (C × H × W) += the scatter of dcol (K × HW): the adjoint of im2col.
static void col2im(const float* dcol, int C, int H, int W, int k, float* g) {
  const int p = k / 2;
  const size_t hw = (size_t)H * W;
  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < k; ky++)
      for (int kx = 0; kx < k; kx++) {
        const float* row = dcol + (size_t)((c * k + ky) * k + kx) * hw;
        const int shift = kx - p;
        const int x0 = shift < 0 ? -shift : 0;
        const int x1 = shift > 0 ? W - shift : W;
        for (int y = 0; y < H; y++) {
          const int sy = y + ky - p;
          if (sy < 0 || sy >= H) continue;
          const float* in = row + (size_t)y * W;
          float* dst = g + ((size_t)c * H + sy) * W;
          for (int i = x0; i < x1; i++) dst[i + shift] += in[i];
        }
      }
}

// Cm (M × N) += A · B, A(m, j) = A[m·ars + j·acs] (so A or its transpose), B (Kd × N) row-major.
// Blocks of 4 rows × 8 columns are kept in registers over the whole inner dimension.
static void gemm_acc(const float* A, int ars, int acs, const float* B, int M, int Kd, int N, float* Cm) {
  for (int m0 = 0; m0 < M; m0 += 4) {
    const int r = M - m0 < 4 ? M - m0 : 4;
    const float* a0 = A + (size_t)m0 * ars;
    const float* a1 = A + (size_t)(m0 + (r > 1 ? 1 : 0)) * ars;
    const float* a2 = A + (size_t)(m0 + (r > 2 ? 2 : 0)) * ars;
    const float* a3 = A + (size_t)(m0 + (r > 3 ? 3 : 0)) * ars;
    float* c0 = Cm + (size_t)m0 * N;
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t s00 = wasm_v128_load(c0 + j), s01 = wasm_v128_load(c0 + j + 4);
      v128_t s10 = r > 1 ? wasm_v128_load(c0 + N + j) : wasm_f32x4_splat(0.f);
      v128_t s11 = r > 1 ? wasm_v128_load(c0 + N + j + 4) : wasm_f32x4_splat(0.f);
      v128_t s20 = r > 2 ? wasm_v128_load(c0 + 2 * N + j) : wasm_f32x4_splat(0.f);
      v128_t s21 = r > 2 ? wasm_v128_load(c0 + 2 * N + j + 4) : wasm_f32x4_splat(0.f);
      v128_t s30 = r > 3 ? wasm_v128_load(c0 + 3 * N + j) : wasm_f32x4_splat(0.f);
      v128_t s31 = r > 3 ? wasm_v128_load(c0 + 3 * N + j + 4) : wasm_f32x4_splat(0.f);
      const float* b = B + j;
      for (int t = 0; t < Kd; t++, b += N) {
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        const size_t at = (size_t)t * acs;
        v128_t s = wasm_f32x4_splat(a0[at]);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(s, b0));
        s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a1[at]);
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(s, b0));
        s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a2[at]);
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(s, b0));
        s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a3[at]);
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(s, b0));
        s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(s, b1));
      }
      wasm_v128_store(c0 + j, s00);
      wasm_v128_store(c0 + j + 4, s01);
      if (r > 1) {
        wasm_v128_store(c0 + N + j, s10);
        wasm_v128_store(c0 + N + j + 4, s11);
      }
      if (r > 2) {
        wasm_v128_store(c0 + 2 * N + j, s20);
        wasm_v128_store(c0 + 2 * N + j + 4, s21);
      }
      if (r > 3) {
        wasm_v128_store(c0 + 3 * N + j, s30);
        wasm_v128_store(c0 + 3 * N + j + 4, s31);
      }
    }
    for (; j < N; j++)
      for (int q = 0; q < r; q++) {
        const float* a = A + (size_t)(m0 + q) * ars;
        float s = c0[(size_t)q * N + j];
        for (int t = 0; t < Kd; t++) s += a[(size_t)t * acs] * B[(size_t)t * N + j];
        c0[(size_t)q * N + j] = s;
      }
  }
}

// dW (O × K) += dY (O × N) · colᵀ, col (K × N): dot products of rows, four col rows per pass.
static void gemm_nt_acc(const float* dy, int O, int N, const float* col, int K, float* dw) {
  for (int o = 0; o < O; o++) {
    const float* d = dy + (size_t)o * N;
    float* out = dw + (size_t)o * K;
    int j = 0;
    for (; j + 4 <= K; j += 4) {
      const float* r0 = col + (size_t)j * N;
      const float* r1 = r0 + N;
      const float* r2 = r1 + N;
      const float* r3 = r2 + N;
      v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
      int i = 0;
      for (; i + 4 <= N; i += 4) {
        const v128_t v = wasm_v128_load(d + i);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(v, wasm_v128_load(r0 + i)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(v, wasm_v128_load(r1 + i)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(v, wasm_v128_load(r2 + i)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(v, wasm_v128_load(r3 + i)));
      }
      float t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (; i < N; i++) {
        t0 += d[i] * r0[i];
        t1 += d[i] * r1[i];
        t2 += d[i] * r2[i];
        t3 += d[i] * r3[i];
      }
      out[j] += t0;
      out[j + 1] += t1;
      out[j + 2] += t2;
      out[j + 3] += t3;
    }
    for (; j < K; j++) {
      const float* rj = col + (size_t)j * N;
      float t = 0.f;
      for (int i = 0; i < N; i++) t += d[i] * rj[i];
      out[j] += t;
    }
  }
}

static void fill(float* a, size_t n, float v) {
  for (size_t i = 0; i < n; i++) a[i] = v;
}

// Forward pass of n samples: y (n × O × H × W) = conv(x (n × C × H × W), w (O × C·k·k)) + b.
// col: scratch of C·k·k × H·W floats.
__attribute__((export_name("conv2d_forward"))) void conv2d_forward(const float* x, int n, int C, int H, int W, const float* w, const float* b, int O, int k, float* y,
                    float* col) {
  const int K = C * k * k;
  const size_t hw = (size_t)H * W;
  for (int s = 0; s < n; s++) {
    im2col(x + (size_t)s * C * hw, C, H, W, k, col);
    float* ys = y + (size_t)s * O * hw;
    for (int o = 0; o < O; o++) fill(ys + (size_t)o * hw, hw, b[o]);
    gemm_acc(w, K, 1, col, O, K, (int)hw, ys);
  }
}

// Backward pass of n samples given dy (n × O × H × W): dw (O × K) and db (O) are accumulated into;
// dx (n × C × H × W) is overwritten unless it is 0 (the first layer needs no input gradient).
// col, dcol: scratch of K × H·W floats each.
__attribute__((export_name("conv2d_backward"))) void conv2d_backward(const float* x, int n, int C, int H, int W, const float* w, int O, int k, const float* dy, float* dw,
                     float* db, float* dx, float* col, float* dcol) {
  const int K = C * k * k;
  const size_t hw = (size_t)H * W;
  for (int s = 0; s < n; s++) {
    const float* ds = dy + (size_t)s * O * hw;
    im2col(x + (size_t)s * C * hw, C, H, W, k, col);
    gemm_nt_acc(ds, O, (int)hw, col, K, dw);
    for (int o = 0; o < O; o++) {
      const float* d = ds + (size_t)o * hw;
      float t = 0.f;
      for (size_t i = 0; i < hw; i++) t += d[i];
      db[o] += t;
    }
    if (dx) {
      fill(dcol, (size_t)K * hw, 0.f);
      gemm_acc(w, 1, K, ds, K, O, (int)hw, dcol);
      float* g = dx + (size_t)s * C * hw;
      fill(g, (size_t)C * hw, 0.f);
      col2im(dcol, C, H, W, k, g);
    }
  }
}
