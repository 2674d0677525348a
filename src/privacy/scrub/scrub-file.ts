import { FileFormatError, throwIfAborted } from '../../errors.js';
import { openAtomicWriter } from '../../io/core/atomic-write.js';
import { openTextFile } from '../../text/text-file.js';
import type { Scrubber } from './scrubber.js';

/** Options of {@link scrubFile}. */
export interface ScrubFileOptions {
  signal?: AbortSignal;
  /** Called after each chunk with the input bytes read so far (compressed bytes for gzip). */
  onProgress?: (bytesRead: number) => void;
  /** Longest stretch held in memory without a line end, in characters; longer lines are cut at white space. Default 1 Mi. */
  maxLineChars?: number;
}

/** Figures of a {@link scrubFile} run. */
export interface ScrubFileResult {
  lines: number;
  bytesRead: number;
}

const FLUSH_CHARS = 1 << 20;

/**
 * Streams `input` (UTF-8 text, plain or gzip) through `scrubber` into `output`, line by line in
 * bounded memory; the output has the input's bytes except for the replaced values (line ends and
 * all). The output is written atomically: nothing appears under its name unless the whole input
 * was read.
 */
export async function scrubFile(
  input: string,
  output: string,
  scrubber: Scrubber,
  options: ScrubFileOptions = {},
): Promise<ScrubFileResult> {
  const maxLine = options.maxLineChars ?? 1 << 20;
  const opened = await openTextFile(input, { chunkSize: 1 << 20, signal: options.signal });
  const writer = await openAtomicWriter(output);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let pending = '';
  let out = '';
  let lines = 0;
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new FileFormatError(input, `is not UTF-8 text (invalid bytes after line ${lines + 1})`);
    }
  };
  try {
    for await (const chunk of opened.chunks) {
      throwIfAborted(options.signal);
      pending += decode(chunk);
      let nl = pending.indexOf('\n');
      let from = 0;
      while (nl >= 0) {
        out += scrubber.scrub(pending.slice(from, nl)) + '\n';
        lines++;
        from = nl + 1;
        nl = pending.indexOf('\n', from);
      }
      pending = pending.slice(from);
      if (pending.length > maxLine) {
        // a line without end in sight: scrub up to its last white space, keep the rest
        const cut = Math.max(pending.lastIndexOf(' '), pending.lastIndexOf('\t')) + 1 || pending.length;
        out += scrubber.scrub(pending.slice(0, cut));
        pending = pending.slice(cut);
      }
      if (out.length >= FLUSH_CHARS) {
        await writer.write(out);
        out = '';
      }
      options.onProgress?.(opened.bytesRead);
    }
    pending += decode();
    if (pending.length > 0) {
      out += scrubber.scrub(pending);
      lines++;
    }
    await writer.write(out);
    await writer.commit();
  } catch (e) {
    await writer.abort();
    throw e;
  } finally {
    opened.close();
  }
  return { lines, bytesRead: opened.bytesRead };
}
