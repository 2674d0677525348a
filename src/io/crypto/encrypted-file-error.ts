import { FileFormatError } from '../../errors.js';

/** Why an encrypted file could not be read. */
export type EncryptedFileProblem =
  /** The file is encrypted and no key was given. */
  | 'no-key'
  /** The key (or passphrase) is not the one the file was encrypted with. */
  | 'wrong-key'
  /** A chunk failed authentication: modified bytes, chunks swapped, or data appended. */
  | 'tampered'
  /** The file ends early (a whole chunk or part of one is missing). */
  | 'truncated'
  /** The envelope header is damaged, of a newer version, or asks for unsupported parameters. */
  | 'bad-header';

/**
 * An encrypted file (the envelope of src/io/crypto) could not be decrypted. A FileFormatError: the
 * message names the file and the problem; `problem` tells the cases apart for programs.
 */
export class EncryptedFileError extends FileFormatError {
  constructor(
    file: string,
    readonly reason: EncryptedFileProblem,
    problem: string,
  ) {
    super(file, problem);
  }
}
