#!/usr/bin/env bash
# Builds the WebAssembly SIMD kernels from src/kernels/c/*.c and c/index/*.c with Debian's clang-14
# + lld, and the relaxed-SIMD variant of the index kernel with wabt. The .wasm artefacts are
# committed (so `npm ci` needs no C toolchain); rebuild after editing C:
#   apt-get install -y clang-14 lld-14 wabt && npm run build:wasm
# An optional argument writes the .wasm files to that directory instead of src/kernels (the test
# test/kernels/wasm-build.test.ts builds into a temp directory and compares with the committed ones).
# Flags: 128-bit SIMD; atomics + bulk memory + shared memory so that worker threads share one
# WebAssembly.Memory (Hogwild training); the memory is imported (TypeScript lays it out) and the
# stack pointer is exported so every worker instance gets its own shadow stack.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mkdir -p "${1:-$HERE}" && cd "${1:-$HERE}" && pwd)
CC=${CC:-clang-14}
compile() { # compile OUT SRC... [extra flags]
  local out=$1
  shift
  "$CC" --target=wasm32 -O3 -std=c11 -Wall -Wextra -Werror \
    -msimd128 -matomics -mbulk-memory -mmutable-globals -nostdlib \
    -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
    -Wl,-z,stack-size=65536 -Wl,--export=__stack_pointer \
    -o "$out" "$@"
}
built() { echo "built $OUT/$1 ($(stat -c %s "$OUT/$1") bytes)"; }
# one module per c/*.c file, and index.wasm from the files of c/index/ (store, flat, hnsw; their
# structs' layout is generated into TypeScript first, and layout.c checks it)
node "$HERE/../../scripts/gen-kernel-layout.mjs"
for src in "$HERE"/c/*.c; do
  name=$(basename "$src" .c)
  compile "$OUT/$name.wasm" "$src"
  built "$name.wasm"
done
INDEX_SRC=("$HERE"/c/index/*.c)
compile "$OUT/index.wasm" "${INDEX_SRC[@]}"
built index.wasm

# index-relaxed.wasm: the index kernel with EMBEDKIT_RELAXED, whose calls to the placeholder import
# env.relaxed_dot_i16 become the instruction i16x8.relaxed_dot_i8x16_i7x16_s (clang 14 has no
# intrinsic for relaxed SIMD). wabt 1.0.32 spells it i16x8.dot_i8x16_i7x16_s (opcode 0xfd 0x112).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compile "$tmp/index-relaxed.wasm" "${INDEX_SRC[@]}" -DEMBEDKIT_RELAXED
wasm2wat --enable-all --generate-names "$tmp/index-relaxed.wasm" -o "$tmp/index-relaxed.wat"
op=i16x8.relaxed_dot_i8x16_i7x16_s # the final name; older wabt (Debian 12's 1.0.32) knows the draft one
echo "(module (func (param v128 v128) (result v128) local.get 0 local.get 1 $op))" >"$tmp/name.wat"
wat2wasm --enable-relaxed-simd "$tmp/name.wat" -o /dev/null 2>/dev/null || op=i16x8.dot_i8x16_i7x16_s
grep -v '(import "env" "relaxed_dot_i16"' "$tmp/index-relaxed.wat" |
  sed "s/call \$env\.relaxed_dot_i16\$/$op/" >"$tmp/index-relaxed.2.wat"
if grep -q 'relaxed_dot_i16' "$tmp/index-relaxed.2.wat"; then
  echo "build-wasm: a call to relaxed_dot_i16 was not replaced" >&2
  exit 1
fi
wat2wasm --enable-all "$tmp/index-relaxed.2.wat" -o "$OUT/index-relaxed.wasm"
built index-relaxed.wasm
sed "s/i16x8.dot_i8x16_i7x16_s/$op/" "$HERE/c/relaxed-probe.wat" >"$tmp/probe.wat"
wat2wasm --enable-all "$tmp/probe.wat" -o "$OUT/relaxed-probe.wasm"
built relaxed-probe.wasm
