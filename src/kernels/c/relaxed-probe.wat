;; Probe for WebAssembly relaxed SIMD (see wasm.ts): dot(a, b, out) stores
;; i16x8.relaxed_dot_i8x16_i7x16_s of the 16 bytes at a and b into out. wasm.ts compares it with the
;; exact products on test vectors before it uses the relaxed kernels.
(module
  (memory (export "memory") 1)
  (func (export "dot") (param $a i32) (param $b i32) (param $out i32)
    (v128.store (local.get $out)
      (i16x8.dot_i8x16_i7x16_s (v128.load (local.get $a)) (v128.load (local.get $b))))))
