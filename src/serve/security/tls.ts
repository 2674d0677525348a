// HTTPS: the certificate chain and private key files of `--tls-cert` / `--tls-key`, read and
// checked before the server starts, so a missing, unreadable or malformed file, an encrypted key
// or a key of another certificate is one error naming the file instead of a TLS stack trace.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileFormatError, UsageError } from '../../errors.js';

/** The PEM files of a TLS server. */
export interface TlsFiles {
  /** The certificate (PEM; intermediate certificates may follow it in the same file). */
  certFile: string;
  /** Its private key (PEM, unencrypted). */
  keyFile: string;
}

/** What node's https server takes. */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new UsageError(`TLS ${what} file ${file} does not exist`);
    throw new UsageError(`cannot read the TLS ${what} file ${file}: ${e.message}`);
  }
}

/** Reads and checks the certificate and key files (PEM, the key matching the certificate). */
export function loadTlsCredentials(files: TlsFiles): TlsCredentials {
  const cert = readPem(files.certFile, 'certificate');
  const key = readPem(files.keyFile, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new FileFormatError(files.certFile, `not a PEM certificate (${(error as Error).message})`);
  }
  const pem = key.toString('latin1');
  if (pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || pem.includes('Proc-Type: 4,ENCRYPTED'))
    throw new FileFormatError(files.keyFile, 'the private key is encrypted: give an unencrypted PEM key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    const message = (error as Error).message;
    if (/passphrase/i.test(message)) throw new FileFormatError(files.keyFile, 'the private key is encrypted: give an unencrypted PEM key');
    throw new FileFormatError(files.keyFile, `not a PEM private key (${message})`);
  }
  if (Date.parse(x509.validTo) < Date.now()) throw new FileFormatError(files.certFile, `the certificate expired on ${x509.validTo}`);
  if (!x509.checkPrivateKey(privateKey))
    throw new FileFormatError(files.keyFile, `this private key does not belong to the certificate ${files.certFile}`);
  return { cert, key };
}
