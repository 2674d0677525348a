import { afterEach, describe, expect, it } from 'vitest';
import { kernelBuild, kernelModule, relaxedSimd, useRelaxedSimd } from '../../src/kernels/wasm.js';

describe('kernel builds', () => {
  afterEach(() => useRelaxedSimd(undefined));

  it('detects relaxed SIMD (Node 20: behind a V8 flag the loader turns on) and uses the relaxed index build', () => {
    useRelaxedSimd(undefined);
    expect(relaxedSimd()).toBe(true);
    expect(kernelBuild('index')).toBe('relaxed-simd');
    expect(kernelBuild('word2vec')).toBe('simd128'); // no relaxed build of that kernel
    const imports = WebAssembly.Module.imports(kernelModule('index')).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(['env.memory']); // the placeholder import was replaced by the instruction
  });

  it('can be turned off; the SIMD128 build is another module', () => {
    useRelaxedSimd(true);
    const relaxed = kernelModule('index');
    useRelaxedSimd(false);
    expect(kernelBuild('index')).toBe('simd128');
    expect(kernelModule('index')).not.toBe(relaxed);
  });

  it('EMBEDKIT_RELAXED_SIMD=0 keeps the SIMD128 build', () => {
    process.env.EMBEDKIT_RELAXED_SIMD = '0';
    try {
      useRelaxedSimd(undefined);
      expect(relaxedSimd()).toBe(false);
      expect(kernelBuild('index')).toBe('simd128');
    } finally {
      delete process.env.EMBEDKIT_RELAXED_SIMD;
    }
  });
});
