import zlib from 'node:zlib';
import { planContainer } from '../../src/io/container/layout.js';
import { crc32 } from '../../src/io/core/crc32.js';
import { encodeNpyHeader } from '../../src/io/matrix/npy-header.js';
import { encodeEkv } from '../../src/io/word-vectors/ekv-write.js';
import type { BaseFile } from './target.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const join = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function ekv(): Uint8Array {
  return join(encodeEkv({ words: ['a', 'b'], vectors: Float32Array.of(1, 2, 3, 4), dim: 2 }));
}

function npy(): Uint8Array {
  return join([encodeNpyHeader('<f4', [2, 2]), new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer)]);
}

function container(): Uint8Array {
  const data = new Uint8Array(Float32Array.of(1, 2, 3).buffer);
  const plan = planContainer('flat', 1, '{"a":1}', [{ name: 'x', length: data.length, crc: crc32(data) }]);
  return join([plan.header, data]);
}

/**
 * Files of other formats (and of none): every reader must reject them cleanly, whatever the
 * extension they are given.
 */
export function foreignFiles(): BaseFile[] {
  const files: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one zero byte', Uint8Array.of(0)],
    ['text', text('hello world\n')],
    ['PNG', join([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), new Uint8Array(40).fill(7)])],
    ['gzip text', new Uint8Array(zlib.gzipSync(text('hello\nworld\n')))],
    ['JSON', text('{"a": [1, 2], "b": null}\n')],
    ['ekv', ekv()],
    ['npy', npy()],
    ['container', container()],
    ['w2v text', text('2 3\na 1 2 3\nb 4 5 6\n')],
    ['zeros', new Uint8Array(4096)],
  ];
  return files.map(([label, bytes]) => ({ label: `foreign: ${label}`, bytes, ext: '', foreign: true }));
}
