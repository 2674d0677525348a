import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { svgToPng, type PngOptions } from './png.js';

/** Image formats a plot is written in. */
export type PlotFormat = 'svg' | 'png';

/** The format `file` asks for by its extension (`.svg`, `.png`); UsageError for any other. */
export function plotFormatOf(file: string): PlotFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new UsageError(`${file}: cannot write a plot as '${ext || '(no extension)'}': name the output .svg or .png`);
}

/**
 * Writes an SVG plot to `file` (atomically), as SVG or — for a `.png` name — rendered to PNG.
 * Returns the format written and the number of bytes.
 */
export async function writePlot(file: string, svg: string, options: PngOptions = {}): Promise<{ format: PlotFormat; bytes: number }> {
  const format = plotFormatOf(file);
  const data = format === 'svg' ? Buffer.from(svg, 'utf8') : await svgToPng(svg, options);
  await writeFileAtomic(file, data);
  return { format, bytes: data.length };
}
