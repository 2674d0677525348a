import { existsSync } from 'node:fs';
import { importOptional } from '../optional-packages.js';

/** The package that turns SVG into PNG (an optional peer dependency: SVG output needs nothing). */
export const RESVG_PACKAGE = '@resvg/resvg-js';

/** Where Debian's fonts-dejavu-core puts DejaVu Sans (the font the label boxes are measured with). */
const DEJAVU_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

interface ResvgOptions {
  background?: string;
  fitTo?: { mode: 'original' } | { mode: 'width'; value: number };
  font?: { loadSystemFonts?: boolean; fontFiles?: string[]; defaultFontFamily?: string; sansSerifFamily?: string };
}
interface ResvgModule {
  renderAsync(svg: string, options?: ResvgOptions): Promise<{ asPng(): Uint8Array; width: number; height: number }>;
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Font files to load besides the system's fonts (default: DejaVu Sans when installed). */
  fontFiles?: readonly string[];
  /** PNG width in pixels (default: the SVG's own width; the height follows). */
  width?: number;
}

/**
 * Renders an SVG document to PNG bytes with resvg (a Rust SVG renderer, through the optional peer
 * `@resvg/resvg-js`), off the event loop. Text uses DejaVu Sans when installed (Debian
 * `fonts-dejavu-core`), with the system's other fonts as fallback for scripts it lacks (CJK …).
 * MissingPackageError when the package is not installed.
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const loaded = await importOptional<ResvgModule & { default?: ResvgModule }>('plot', RESVG_PACKAGE, RESVG_PACKAGE, 'PNG output');
  const resvg = loaded.default ?? loaded;
  const fontFiles = [...(options.fontFiles ?? DEJAVU_FILES.filter((f) => existsSync(f)))];
  const image = await resvg.renderAsync(svg, {
    background: '#ffffff',
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'original' },
    font: { loadSystemFonts: true, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}
