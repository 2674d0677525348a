// The Debian packages `npm test` needs, and how to tell each is installed. Read by
// scripts/ensure-system-packages.mjs (npm test's pretest step). Add a package here when a suite
// starts to run a system tool (chromium, redis-server, fasttext, scikit-learn …):
//   check.command: an executable found on PATH; check.python: a module Debian's /usr/bin/python3 imports.
export const SYSTEM_PACKAGES = [
  {
    name: 'python3-gensim',
    why: 'cross-checks against gensim (vector files, queries, evaluations)',
    check: { python: 'gensim' },
  },
  {
    name: 'python3-numpy',
    why: 'cross-checks of .npy and JSON Lines files against numpy',
    check: { python: 'numpy' },
  },
  {
    name: 'clang-14',
    why: 'rebuilding the WebAssembly kernels to compare with the committed ones',
    check: { command: 'clang-14' },
  },
  {
    name: 'lld-14',
    why: 'linking the WebAssembly kernels (wasm-ld)',
    check: { command: 'wasm-ld-14' },
  },
  {
    name: 'wabt',
    why: 'the relaxed-SIMD kernel and its probe (wasm2wat, wat2wasm)',
    check: { command: 'wat2wasm' },
  },
  {
    name: 'fasttext',
    why: 'cross-checks of fastText .bin/.ftz reading, writing, training and the supervised classifier against the fastText 0.9.2 CLI',
    check: { command: 'fasttext' },
  },
];
