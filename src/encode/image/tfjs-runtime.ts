import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbedkitError } from '../../errors.js';
import { importOptional } from '../packages.js';
import { commonJsExports } from './errors.js';

/** The @tensorflow/tfjs module. */
export type Tfjs = typeof import('@tensorflow/tfjs');

const require = createRequire(import.meta.url);
let runtime: Promise<Tfjs> | undefined;

/** The three WebAssembly binaries of @tensorflow/tfjs-backend-wasm, as absolute paths in its dist folder. */
export function wasmBinaryPaths(): Record<
  'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm',
  string
> {
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  return {
    'tfjs-backend-wasm.wasm': path.join(dir, 'tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': path.join(dir, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
}

async function init(encoder: string): Promise<Tfjs> {
  const tf = commonJsExports<Tfjs>(await importOptional(encoder, '@tensorflow/tfjs'));
  const wasm = commonJsExports<typeof import('@tensorflow/tfjs-backend-wasm')>(
    await importOptional(encoder, '@tensorflow/tfjs-backend-wasm'),
  );
  if (tf.getBackend() !== 'wasm') {
    // Local files only: the binaries shipped in node_modules, read with fs (no fetch).
    wasm.setWasmPaths(wasmBinaryPaths());
    let ok: boolean;
    try {
      ok = await tf.setBackend('wasm');
    } catch (error) {
      throw new EmbedkitError(`could not start the tfjs WebAssembly backend: ${(error as Error).message}`, 'EMBEDKIT_DEPENDENCY');
    }
    if (!ok) throw new EmbedkitError('could not start the tfjs WebAssembly backend (tf.setBackend("wasm") failed)', 'EMBEDKIT_DEPENDENCY');
  }
  await tf.ready();
  return tf;
}

/**
 * @tensorflow/tfjs with its WebAssembly backend selected (once per thread). tfjs keeps one global
 * engine per thread: a program that also uses tfjs for other work shares it.
 */
export function loadTfjs(encoder: string): Promise<Tfjs> {
  runtime ??= init(encoder);
  runtime.catch(() => (runtime = undefined));
  return runtime;
}
