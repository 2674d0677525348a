#!/usr/bin/env bash
# Builds the WebAssembly SIMD kernels from src/kernels/c/*.c with Debian's clang-14 + lld.
# The .wasm artefacts are committed (so `npm ci` needs no C toolchain); rebuild after editing C:
#   apt-get install -y clang-14 lld-14 && npm run build:wasm
# Flags: 128-bit SIMD; atomics + bulk memory + shared memory so that worker threads share one
# WebAssembly.Memory (Hogwild training); the memory is imported (TypeScript lays it out) and the
# stack pointer is exported so every worker instance gets its own shadow stack.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-clang-14}
for src in "$HERE"/c/*.c; do
  name=$(basename "$src" .c)
  "$CC" --target=wasm32 -O3 -std=c11 -Wall -Wextra -Werror \
    -msimd128 -matomics -mbulk-memory -mmutable-globals -nostdlib \
    -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
    -Wl,-z,stack-size=65536 -Wl,--export=__stack_pointer \
    -o "$HERE/$name.wasm" "$src"
  echo "built src/kernels/$name.wasm ($(stat -c %s "$HERE/$name.wasm") bytes)"
done
