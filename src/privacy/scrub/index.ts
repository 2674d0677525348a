export { cardIssuerKnown, chineseIdCheckChar, chineseIdValid, ibanValid, luhnValid, ssnValid } from './checksums.js';
export { DETECTORS, type Detector } from './detectors.js';
export { PII_KINDS, PLACEHOLDERS, type PiiKind, type PiiSpan } from './kinds.js';
export { NameList } from './names.js';
export { resolveOverlaps } from './overlaps.js';
export { scrubFile, type ScrubFileOptions, type ScrubFileResult } from './scrub-file.js';
export { ScrubbedCorpus } from './scrubbed-corpus.js';
export { emptyCounts, Scrubber, type ScrubCounts, type ScrubOptions } from './scrubber.js';
