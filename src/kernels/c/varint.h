// The encoded corpus's id stream (text/encoded-corpus.ts): LEB128 varints, 0 ends a sentence.
#ifndef EMBEDKIT_VARINT_H
#define EMBEDKIT_VARINT_H
#include <stdint.h>

// Reads one varint at *pp (not past end) into *out and advances *pp; -1 when it is cut off or
// longer than 32 bits (a corrupt stream), else 0.
static inline int varint_next(const uint8_t** pp, const uint8_t* end, uint32_t* out) {
  const uint8_t* p = *pp;
  uint32_t v = 0;
  int shift = 0;
  for (;;) {
    if (p >= end || shift > 28) return -1;
    const uint8_t byte = *p++;
    v |= (uint32_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  *pp = p;
  *out = v;
  return 0;
}
#endif
