import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { svgToPng } from '../../src/plot/png.js';
import { renderScatter } from '../../src/plot/scatter-svg.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which follows the signature. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

describe('svgToPng', () => {
  const words = ['king', 'queen', 'paris', 'berlin', 'apple'];
  const coords = Float64Array.of(0, 0, 1, 0.2, 4, 3, 4.5, 2.6, -2, 4);
  const plot = renderScatter(coords, 5, 2, {
    width: 640,
    height: 400,
    title: 'Five words',
    labels: words,
    groups: ['royal', 'royal', 'city', 'city', undefined],
  });

  it('renders a PNG of the SVG size, with the text drawn in the label boxes', async () => {
    const png = await svgToPng(plot.svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual([640, 400]);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // each label box holds dark glyph pixels: a font was found and the text sits where it was measured
    for (const { box, text } of plot.labels) {
      let dark = 0;
      for (let y = Math.ceil(box.y0); y < Math.floor(box.y1); y++)
        for (let x = Math.ceil(box.x0); x < Math.floor(box.x1); x++) {
          const i = (y * info.width + x) * 3;
          if (data[i] + data[i + 1] + data[i + 2] < 450) dark++;
        }
      expect(dark, `glyph pixels of '${text}'`).toBeGreaterThan(10);
    }
    // and the text does not run past its measured box: the column just right of each box is
    // background (a label placed left of its point may meet the point's dot there: a few pixels)
    let checked = 0;
    let drawn = 0;
    for (const { box } of plot.labels) {
      const x = Math.ceil(box.x1) + 2;
      for (let y = Math.ceil(box.y0); y < Math.floor(box.y1); y++) {
        const i = (y * info.width + x) * 3;
        checked++;
        if (data[i] + data[i + 1] + data[i + 2] <= 600) drawn++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(drawn / checked).toBeLessThan(0.15);
  });

  it('scales to a requested width', async () => {
    expect(pngSize(await svgToPng(plot.svg, { width: 320 }))).toEqual([320, 200]);
  });
});
