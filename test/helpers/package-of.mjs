/** The npm package a bare import specifier names (`@scope/name/sub` → `@scope/name`); '' for relative, absolute and node: ones. */
export function packageOf(specifier) {
  if (/^(\.|\/|[a-z]+:)/.test(specifier)) return '';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
