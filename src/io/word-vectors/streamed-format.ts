import { fileInfo, fileInfoSync, readChunks, readChunksSync } from '../core/file-chunks.js';
import { contentSize, type ContentSize, type ParsedVectors, type PushParser } from './push-parser.js';
import { resolveReadOptions, type ResolvedReadOptions } from './read-options.js';
import { sniffFormat } from './sniff.js';
import type { VectorFormat, VectorFormatName, WordVectorsData, WordVectorsFile } from './vector-format.js';
import { wantsGzip, writeChunks, writeChunksSync } from '../core/write-output.js';

/** The parts that differ between the streamed (word2vec, GloVe) formats. */
export interface StreamedFormatSpec {
  name: VectorFormatName;
  description: string;
  extensions: readonly string[];
  /** A parser for `file`, whose content has `size` bytes (exactly, or at most for gzip). */
  parser(file: string, options: ResolvedReadOptions, size: ContentSize): PushParser;
  encode(data: WordVectorsData): Iterable<Uint8Array>;
}

/** Builds a {@link VectorFormat} whose reader streams the file through a {@link PushParser}. */
export function streamedFormat(spec: StreamedFormatSpec): VectorFormat {
  const { name, parser, encode } = spec;
  return {
    name,
    description: spec.description,
    extensions: spec.extensions,
    storesCounts: false,
    detect: (prefix, atEof) => sniffFormat(prefix, atEof) === name,
    async read(file, options) {
      const resolved = resolveReadOptions(options);
      const { gzip, size } = await fileInfo(file);
      const p = parser(file, resolved, contentSize(size, gzip));
      for await (const chunk of readChunks(file, gzip)) if (!p.push(chunk)) break;
      return fileResult(name, gzip, p.finish(), resolved);
    },
    readSync(file, options) {
      const resolved = resolveReadOptions(options);
      const { gzip, size } = fileInfoSync(file);
      const p = parser(file, resolved, contentSize(size, gzip));
      for (const chunk of readChunksSync(file, gzip)) if (!p.push(chunk)) break;
      return fileResult(name, gzip, p.finish(), resolved);
    },
    encode,
    async write(data, file, options) {
      await writeChunks(file, encode(data), wantsGzip(file, options));
    },
    writeSync: (data, file, options) => writeChunksSync(file, encode(data), wantsGzip(file, options)),
  };
}

/** A parser's rows with the facts about the file. */
function fileResult(format: VectorFormatName, gzip: boolean, parsed: ParsedVectors, options: ResolvedReadOptions): WordVectorsFile {
  return { ...parsed, format, gzip, duplicates: options.duplicates, onWarning: options.onWarning };
}
