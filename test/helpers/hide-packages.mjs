// Preload for child processes (`node --import ./test/helpers/hide-packages.mjs`): the npm packages
// named in EMBEDKIT_TEST_HIDE_PACKAGES (comma-separated) look uninstalled, both to require/resolve
// (CommonJS) and to import (ESM hooks), as if the user had never run `npm install` for them. Lets
// tests walk the "package missing" paths without uninstalling anything.
import Module, { register } from 'node:module';
import { packageOf } from './package-of.mjs';

const hidden = (process.env.EMBEDKIT_TEST_HIDE_PACKAGES ?? '').split(',').filter(Boolean);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hidden.includes(packageOf(request))) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};

register(new URL('./hide-packages-hooks.mjs', import.meta.url), { data: hidden });
