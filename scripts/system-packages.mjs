// The Debian packages `npm test` needs, and how to tell each is installed. Read by
// scripts/ensure-system-packages.mjs (npm test's pretest step). Add a package here when a suite
// starts to run a system tool (chromium, redis-server, fasttext, scikit-learn …):
//   check.command: an executable found on PATH; check.python: a module Debian's /usr/bin/python3 imports;
//   check.dpkg: a package dpkg reports as installed (when there is nothing else to probe).
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
    name: 'python3-scipy',
    why: 'the numpy/scipy reference of the audio features and resampling (test/audio/reference.py)',
    check: { python: 'scipy' },
  },
  {
    name: 'sox',
    why: 'encoding FLAC/MP3/Ogg test clips and degrading the spoken-word clips of the audio tests',
    check: { command: 'sox' },
  },
  {
    name: 'libsox-fmt-all',
    why: "sox's MP3 and Ogg Vorbis writers",
    check: { dpkg: 'libsox-fmt-all' },
  },
  {
    name: 'espeak-ng',
    why: 'spoken-word clips for the audio encoder tests and the audio quality bench',
    check: { command: 'espeak-ng' },
  },
  {
    name: 'python3-sklearn',
    why: 'cross-checks of the classification/clustering metrics and k-means against scikit-learn',
    check: { python: 'sklearn' },
  },
  {
    name: 'fasttext',
    why: 'the fastText 0.9.2 CLI: cross-checks of .bin/.ftz reading, writing, training and the supervised classifier; anchor of text classification',
    check: { command: 'fasttext' },
  },
  {
    name: 'fonts-dejavu-core',
    why: 'DejaVu Sans, the font of the PNG plots (embedkit plot): the label boxes are measured with its metrics',
    check: { dpkg: 'fonts-dejavu-core' },
  },
  {
    name: 'redis-server',
    why: 'the jobs tests run a real Redis (7.0) for the BullMQ queue of `embedkit jobs`',
    check: { command: 'redis-server' },
  },
  {
    name: 'chromium',
    why: 'the end-to-end tests of the explorer web UI (test/web), driven by playwright-core',
    check: { command: 'chromium' },
  },
  {
    name: 'openssl',
    why: 'the HTTPS tests of the server (test/serve/security-tls.test.ts) make a self-signed certificate with the openssl CLI',
    check: { command: 'openssl' },
  },
];
