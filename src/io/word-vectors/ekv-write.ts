import { UsageError } from '../../errors.js';
import type { WordVectorsData } from './vector-format.js';
import { crc32 } from '../core/crc32.js';
import { alignUp, EKV_FLAG_COUNTS, EKV_HEADER_BYTES, EKV_VERSION, encodeEkvHeader } from './ekv-layout.js';
import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes } from '../core/float32-bytes.js';
import { checkWordEncodable } from './words.js';

const MAX_WORDS_TEXT_BYTES = 0xffffffff;

/**
 * The bytes of `kv` as an ekv file, as a few chunks to write in order: header, word offsets, word
 * text, padding, counts (if `kv.counts`), padding, vectors. The vectors chunk is a view of
 * `kv.vectors` (no copy) on little-endian machines. Throws UsageError for a word UTF-8 cannot encode.
 */
export function encodeEkv(kv: WordVectorsData): Uint8Array[] {
  const rows = kv.words.length;
  const dim = kv.dim;
  const offsets = new Uint32Array(rows + 1);
  let textBytes = 0;
  for (let i = 0; i < rows; i++) {
    const word = kv.words[i];
    checkWordEncodable(word, i, 'ekv');
    textBytes += Buffer.byteLength(word, 'utf8');
    if (textBytes > MAX_WORDS_TEXT_BYTES) throw new UsageError('cannot write ekv: the words take more than 4 GiB of UTF-8');
    offsets[i + 1] = textBytes;
  }
  const text = Buffer.from(kv.words.join(''), 'utf8');
  const offsetBytes = new Uint8Array(offsets.buffer);
  if (!HOST_IS_LITTLE_ENDIAN) {
    const view = new DataView(offsetBytes.buffer);
    for (let i = 0; i <= rows; i++) view.setUint32(i * 4, offsets[i], true);
  }

  const wordsOffset = EKV_HEADER_BYTES;
  const wordsLength = offsetBytes.length + text.length;
  const counts = kv.counts;
  const countsOffset = counts ? alignUp(wordsOffset + wordsLength) : 0;
  const countsLength = counts ? rows * 8 : 0;
  const vectorsOffset = alignUp(counts ? countsOffset + countsLength : wordsOffset + wordsLength);
  const vectorsLength = rows * dim * 4;
  const fileLength = vectorsOffset + vectorsLength;

  const payload: Uint8Array[] = [offsetBytes, text];
  if (counts) {
    payload.push(new Uint8Array(countsOffset - (wordsOffset + wordsLength)));
    payload.push(littleEndianBytes(counts));
    payload.push(new Uint8Array(vectorsOffset - (countsOffset + countsLength)));
  } else {
    payload.push(new Uint8Array(vectorsOffset - (wordsOffset + wordsLength)));
  }
  payload.push(littleEndianBytes(kv.vectors.subarray(0, rows * dim)));
  let payloadCrc = 0;
  for (const piece of payload) payloadCrc = crc32(piece, payloadCrc);

  const header = encodeEkvHeader({
    version: EKV_VERSION,
    flags: counts ? EKV_FLAG_COUNTS : 0,
    rows,
    dim,
    headerBytes: EKV_HEADER_BYTES,
    wordsOffset,
    wordsLength,
    countsOffset,
    countsLength,
    vectorsOffset,
    vectorsLength,
    fileLength,
    payloadCrc,
  });
  return [header, ...payload].filter((piece) => piece.length > 0);
}
