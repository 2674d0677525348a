import { DEJAVU_SANS, DEJAVU_SANS_BOLD, WIDTHS_FIRST } from './dejavu-widths.js';

/** The font the plots name first; its metrics are the ones measured here (Verdana's are close). */
export const FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif";

/** Ascent and descent of DejaVu Sans in em (hhea: 1901 and 483 of 2048 units). */
export const ASCENT_EM = 0.928;
export const DESCENT_EM = 0.236;

/** East Asian wide and full-width ranges (CJK, kana, Hangul, full-width forms): one em each. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Width of `text` in pixels at `fontSize`, from the advance widths of DejaVu Sans (no kerning,
 * which DejaVu barely uses). Characters outside the table count 0.62 em (the mean Latin width,
 * a little generous) or one em when East Asian wide, so a box is never much smaller than the text.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? DEJAVU_SANS_BOLD : DEJAVU_SANS;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const i = code - WIDTHS_FIRST;
    const w = i >= 0 && i < table.length ? table[i] : 0;
    if (w > 0) units += w;
    else units += isWide(code) ? 1000 : 620;
  }
  return (units / 1000) * fontSize;
}
