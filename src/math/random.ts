/**
 * Seeded pseudo-random numbers. `splitmix64` turns a user seed into well-mixed 64-bit states
 * (Steele et al. 2014); `seedState` derives from them the starting state of one stream of the
 * xorshift64* generator that the WASM kernels run (src/kernels/c/word2vec.c). `mulberry32` is a
 * small float generator for JS-side randomness.
 */
const MASK64 = (1n << 64n) - 1n;

/** One step of SplitMix64 from `state`; returns [next state, output]. */
export function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [s, z ^ (z >> 31n)];
}

/** A non-zero 64-bit generator state derived from (seed, stream), e.g. one stream per worker. */
export function seedState(seed: number, stream = 0): bigint {
  let [s, z] = splitmix64(BigInt.asUintN(64, BigInt(Math.trunc(seed))));
  for (let i = 0; i <= stream; i++) [s, z] = splitmix64(s ^ BigInt(stream));
  return z === 0n ? 0x9e3779b97f4a7c15n : z;
}

/**
 * A small seeded float generator for JS-side randomness (Mulberry32). Returns values in [0, 1).
 * `skip` starts it after that many draws, in constant time (its state advances by a constant).
 */
export function mulberry32(seed: number, skip = 0): () => number {
  let a = ((seed >>> 0) + Math.imul(skip % 4294967296, 0x6d2b79f5)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
