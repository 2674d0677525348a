import { SPECIFICITY, type PiiSpan } from './kinds.js';

/**
 * Keeps non-overlapping spans: the longest first, then the most specific kind (a checksum-checked
 * number over a shape-only one), then the leftmost. Returns them in text order.
 */
export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  if (spans.length <= 1) return spans;
  const ranked = [...spans].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || SPECIFICITY[b.kind] - SPECIFICITY[a.kind] || a.start - b.start,
  );
  const kept: PiiSpan[] = [];
  for (const s of ranked) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}
