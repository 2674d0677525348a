/**
 * The order that sorts non-negative float64 weights ascending, stable (equal weights keep their
 * index order, so results do not depend on the engine's sort). LSD radix sort on the IEEE-754 bits
 * (ordered like the values for non-negative numbers), four passes of 16 bits: O(m) time, 3 · m
 * 32-bit words of scratch. NaN must not occur (callers check their inputs).
 */
export function sortedOrder(weights: Float64Array): Uint32Array {
  const m = weights.length;
  const bits = new Uint32Array(weights.buffer, weights.byteOffset, m * 2); // little-endian: [lo, hi] per weight
  let order = Uint32Array.from({ length: m }, (_, i) => i);
  let next = new Uint32Array(m);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? 0 : 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(bits[2 * i + word] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const e = order[i];
      next[count[(bits[2 * e + word] >>> shift) & 0xffff]++] = e;
    }
    [order, next] = [next, order];
  }
  return order;
}
