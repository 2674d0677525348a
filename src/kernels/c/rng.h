// Random numbers shared by the training kernels (included by each .c file; every kernel is its own
// module, so these are compiled into each). State is seeded by TypeScript (math/random.ts).
#ifndef EMBEDKIT_RNG_H
#define EMBEDKIT_RNG_H
#include <stdint.h>

// xorshift64* (Vigna 2016): fast, 64-bit state, good high bits.
static inline uint64_t xs64_next(uint64_t* s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

// Uniform integer in [0, n) from the high 32 bits of r (Lemire's multiply-shift, no division).
static inline uint32_t rng_below(uint64_t r, uint32_t n) {
  return (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);
}

// One draw from a Walker/Vose alias table of n entries with one random word r: O(1), two lookups
// (the high bits pick the column, the low 32 bits decide between it and its alias).
static inline int32_t alias_draw(uint64_t r, const uint32_t* prob, const int32_t* idx, uint32_t n) {
  const uint32_t i = rng_below(r, n);
  return ((uint32_t)r <= prob[i]) ? (int32_t)i : idx[i];
}
#endif
