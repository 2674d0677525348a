// ESM resolve hook of hide-packages.mjs: importing a hidden package fails as Node fails for a
// package that is not installed (ERR_MODULE_NOT_FOUND, "Cannot find package '…'").
import { packageOf } from './package-of.mjs';

let hidden = [];

export function initialize(data) {
  hidden = data;
}

export async function resolve(specifier, context, next) {
  if (hidden.includes(packageOf(specifier))) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
