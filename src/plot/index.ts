/**
 * Plots without a browser: labelled scatter plots of 2-D projections as standalone SVG (own writer,
 * no dependency) or PNG (through the optional peer `@resvg/resvg-js`). Labels are placed greedily
 * without overlaps, the legend is drawn inside the image. Package entry `embedkit/plot`.
 * @module embedkit/plot
 */
export { renderScatter, type ScatterOptions, type ScatterResult } from './scatter-svg.js';
export { placeLabels, type LabelRequest, type PlacedLabel, type Placement, type PlacementInput } from './label-placement.js';
export { assignCategories, type Categories, type Category, type CategoryOrder } from './categories.js';
export { categoricalColors, MAX_COLORS, OTHER_COLOR } from './palette.js';
export { textWidth } from './text-metrics.js';
export { svgToPng, RESVG_PACKAGE, type PngOptions } from './png.js';
export { plotFormatOf, writePlot, type PlotFormat } from './plot-file.js';
export { readWordLabels, readWordList, type WordLabels, type WordLine } from './word-files.js';
export { selectPoints, type PointSelection, type SelectBy } from './select-points.js';
export type { Box } from './box.js';
