import { CONTAINER_MAGIC } from './layout.js';
import { hasEkvMagic } from '../word-vectors/ekv-layout.js';
import { hasNpyMagic } from '../matrix/npy-header.js';

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x1f, 0x8b], 'gzip data'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
];

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** True when `bytes` look like the container magic after a text-mode transfer (CR/LF rewritten, high bit stripped). */
function isMangledMagic(bytes: Uint8Array): boolean {
  const letters = (at: number): boolean => bytes[at] === 0x45 && bytes[at + 1] === 0x4b && bytes[at + 2] === 0x49;
  return (bytes[0] === 0x89 || bytes[0] === 0x09) && letters(1);
}

/**
 * What the first bytes of a file that is not a container are, for "not an embedkit index file (…)":
 * a damaged magic, another embedkit or known format, text, or the bytes in hex.
 */
export function describeNonContainer(bytes: Uint8Array): string {
  if (isMangledMagic(bytes)) {
    return `found damaged magic bytes ${hex(bytes.subarray(0, 8))} instead of ${hex(CONTAINER_MAGIC)}: was the file transferred in text mode?`;
  }
  if (hasEkvMagic(bytes)) return 'found an .ekv vector file: load it with loadVectors';
  if (hasNpyMagic(bytes)) return 'found a numpy .npy array';
  for (const [signature, what] of SIGNATURES) {
    if (signature.every((b, i) => bytes[i] === b)) return `found ${what}`;
  }
  const head = bytes.subarray(0, 16);
  if (head.every((b) => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13)) {
    return `found text ${JSON.stringify(new TextDecoder().decode(head))}${bytes.length > 16 ? '…' : ''}`;
  }
  return `found bytes ${hex(bytes.subarray(0, 8))}`;
}
