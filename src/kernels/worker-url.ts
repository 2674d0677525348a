/**
 * The URL of a worker-thread entry module next to `fromUrl` (usually `import.meta.url`).
 * Worker threads run JavaScript only, so when the caller itself is a TypeScript source file (the
 * test runner loads src/ directly) the built twin under dist/ is used instead; `npm test` builds
 * first.
 */
export function workerUrl(fromUrl: string, relativeJs: string): URL {
  const url = new URL(relativeJs, fromUrl);
  if (fromUrl.endsWith('.ts')) {
    const mapped = url.href.replace(/\/src\/(?![\s\S]*\/src\/)/, '/dist/');
    return new URL(mapped);
  }
  return url;
}
