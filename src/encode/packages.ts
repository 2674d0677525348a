// The optional-package helpers moved down to src/optional-packages.ts (layer 1) so that the text
// layer (jieba, the POS taggers) can use them too; the encoders keep importing them from here.
export {
  importOptional,
  installCommand,
  isPackageAvailable,
  MissingPackageError,
  missingPackageOf,
  requireOptional,
  requirePackages,
  resolvePackageFile,
} from '../optional-packages.js';
