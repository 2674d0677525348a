/** Helpers on slot numbers and on arrays of rows indexed by slot or by query. */

/** Calls `fn(first, count)` for each run of consecutive numbers in `slots` (in increasing order). */
export function forEachRun(slots: Int32Array, fn: (first: number, count: number) => void): void {
  const sorted = Int32Array.from(slots).sort();
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[j - 1] + 1) j++;
    fn(sorted[i], j - i);
    i = j;
  }
}

/**
 * Moves the rows of `view` (`per` values each, `order.length` rows) so that new row t is old row
 * `order[t]`: in place, cycle by cycle (a copy of the vectors would double the peak memory of a
 * large index).
 */
export function permuteInPlace<T extends Int32Array | Float32Array | Uint8Array>(view: T, per: number, order: Int32Array): void {
  const n = order.length;
  const seen = new Uint8Array(n);
  const tmp = view.slice(0, per) as T;
  for (let start = 0; start < n; start++) {
    if (seen[start] || order[start] === start) continue;
    tmp.set(view.subarray(start * per, (start + 1) * per));
    let t = start;
    for (;;) {
      seen[t] = 1;
      const from = order[t];
      if (from === start) {
        view.set(tmp, t * per);
        break;
      }
      view.copyWithin(t * per, from * per, (from + 1) * per);
      t = from;
    }
  }
}

/** Rows of `bytes` (each `rb` bytes) in the order `order`. */
export function permuteRows(bytes: Uint8Array, order: Int32Array, rb: number): Uint8Array {
  const out = new Uint8Array(order.length * rb);
  for (let i = 0; i < order.length; i++) out.set(bytes.subarray(order[i] * rb, (order[i] + 1) * rb), i * rb);
  return out;
}

/** Undoes {@link permuteRows} on result rows of `k` values. */
export function unpermuteRows<T extends Int32Array | Float32Array>(rows: T, order: Int32Array, k: number): T {
  const out = new (rows.constructor as { new (n: number): T })(rows.length);
  for (let i = 0; i < order.length; i++) out.set(rows.subarray(i * k, (i + 1) * k), order[i] * k);
  return out;
}

/**
 * The indices 0..n-1 sorted by key (keys in 0..buckets-1), stable, and where each key's run
 * starts in that order (`buckets + 1` offsets).
 */
export function countingOrder(key: Int32Array, buckets: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(buckets + 1);
  for (const k of key) start[k + 1]++;
  for (let j = 0; j < buckets; j++) start[j + 1] += start[j];
  const next = start.slice(0, buckets);
  const order = new Int32Array(key.length);
  for (let i = 0; i < key.length; i++) order[next[key[i]]++] = i;
  return { order, start };
}
