import type { ClassificationReport } from './classification-metrics.js';

/** Right-aligned text table; the first column is left-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * A classification report as text, like scikit-learn's `classification_report`: one row per class
 * (precision, recall, F1, support), then accuracy, macro and micro F1, then the confusion matrix.
 */
export function formatClassificationReport(report: ClassificationReport, digits = 4): string {
  const f = (x: number) => x.toFixed(digits);
  const total = report.perClass.reduce((s, c) => s + c.support, 0);
  const scores = formatTable(
    ['class', 'precision', 'recall', 'f1', 'support'],
    [
      ...report.perClass.map((c) => [c.label, f(c.precision), f(c.recall), f(c.f1), String(c.support)]),
      ['accuracy', '', '', f(report.accuracy), String(total)],
      ['macro F1', '', '', f(report.macroF1), String(total)],
      ['micro F1', '', '', f(report.microF1), String(total)],
    ],
  );
  const confusion = formatTable(
    ['true \\ predicted', ...report.labels],
    report.confusion.map((r, i) => [report.labels[i], ...r.map(String)]),
  );
  return `${scores}\n\n${confusion}`;
}
