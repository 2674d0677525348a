// API tokens with scopes: a tokens file (JSON array or JSON lines) of {name, token | sha256,
// scopes}. Only SHA-256 digests are kept in memory; a presented token is hashed and compared with
// every digest in constant time (crypto.timingSafeEqual, no early exit), so neither the match
// position nor the bytes that matched show in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileFormatError, UsageError } from '../../errors.js';
import { SCOPES, type Scope } from './scopes.js';

/** One API token as given in code or a tokens file: the token itself or its SHA-256 (hex). */
export interface TokenSpec {
  /** Shown in the audit log and the logs instead of the token. */
  name: string;
  /** The bearer token (give this or `sha256`). */
  token?: string;
  /** Hex SHA-256 of the UTF-8 token (`printf %s TOKEN | sha256sum`), so the file holds no secret. */
  sha256?: string;
  scopes: readonly Scope[];
}

/** Who a request authenticated as. */
export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
}

interface Entry extends Principal {
  digest: Buffer;
}

export function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The checked entry of one spec; `fail` words the problem (file and line, or the option). */
function entryOf(spec: unknown, fail: (problem: string) => never): Entry {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    fail('each token must be a JSON object {"name", "token" | "sha256", "scopes"}');
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s))
    if (!['name', 'token', 'sha256', 'scopes'].includes(key)) fail(`unknown field "${key}" (fields: name, token, sha256, scopes)`);
  if (typeof s.name !== 'string' || !NAME.test(s.name)) fail('"name" must be 1-100 letters, digits, ".", "_", "@" or "-"');
  const name = s.name as string;
  if ((s.token === undefined) === (s.sha256 === undefined)) fail(`token "${name}": give exactly one of "token" and "sha256"`);
  let digest: Buffer;
  if (s.token !== undefined) {
    if (typeof s.token !== 'string' || s.token.length === 0 || /\s/.test(s.token))
      fail(`token "${name}": "token" must be a non-empty string without spaces`);
    digest = sha256(s.token as string);
  } else {
    if (typeof s.sha256 !== 'string' || !HEX64.test(s.sha256)) fail(`token "${name}": "sha256" must be 64 hex digits`);
    digest = Buffer.from(s.sha256 as string, 'hex');
  }
  if (!Array.isArray(s.scopes) || s.scopes.length === 0) fail(`token "${name}": "scopes" must be a non-empty list of ${SCOPES.join(', ')}`);
  for (const scope of s.scopes as unknown[])
    if (!SCOPES.includes(scope as Scope)) fail(`token "${name}": unknown scope ${JSON.stringify(scope)} (scopes: ${SCOPES.join(', ')})`);
  return { name, digest, scopes: new Set(s.scopes as Scope[]) };
}

/** The tokens a server accepts (all of them replaced at once by {@link TokenSet.replace}). */
export class TokenSet {
  private entries: Entry[];

  private constructor(entries: Entry[], where: string) {
    const names = new Set<string>();
    const digests = new Set<string>();
    for (const e of entries) {
      if (names.has(e.name)) throw new UsageError(`${where}: two tokens are named "${e.name}"`);
      const hex = e.digest.toString('hex');
      if (digests.has(hex)) throw new UsageError(`${where}: token "${e.name}" is the same token as another one`);
      names.add(e.name);
      digests.add(hex);
    }
    this.entries = entries;
  }

  /** Tokens given in code; a bad spec throws a UsageError naming it. */
  static of(specs: readonly TokenSpec[]): TokenSet {
    return new TokenSet(
      specs.map((spec, i) =>
        entryOf(spec, (problem) => {
          throw new UsageError(`tokens[${i}]: ${problem}`);
        }),
      ),
      'tokens',
    );
  }

  /**
   * Reads a tokens file: a JSON array of token objects, or JSON lines (one object a line; blank
   * lines and lines starting with `#` are skipped). Errors name the file and the line.
   */
  static fromFile(file: string): TokenSet {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new UsageError(
        e.code === 'ENOENT' ? `tokens file ${file} does not exist` : `cannot read the tokens file ${file}: ${e.message}`,
      );
    }
    const entries: Entry[] = [];
    if (text.trimStart().startsWith('[')) {
      let list: unknown;
      try {
        list = JSON.parse(text);
      } catch (error) {
        throw new FileFormatError(file, `not valid JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(list)) throw new FileFormatError(file, 'expected a JSON array of tokens');
      list.forEach((spec, i) =>
        entries.push(
          entryOf(spec, (problem) => {
            throw new FileFormatError(file, `token ${i + 1}: ${problem}`);
          }),
        ),
      );
    } else {
      text.split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        const fail = (problem: string): never => {
          throw new FileFormatError(file, `line ${i + 1}: ${problem}`);
        };
        let spec: unknown;
        try {
          spec = JSON.parse(line);
        } catch {
          fail('not a JSON object (the file is a JSON array or JSON lines)');
        }
        entries.push(entryOf(spec, fail));
      });
    }
    if (entries.length === 0) throw new FileFormatError(file, 'no tokens in the file');
    return new TokenSet(entries, file);
  }

  /** This set and another one (e.g. the `--token` one added to a file's). */
  concat(other: TokenSet): TokenSet {
    return new TokenSet([...this.entries, ...other.entries], 'tokens');
  }

  /**
   * Takes the tokens of `next` in place of this set's (a tokens file re-read without a restart):
   * one assignment, so a request is checked against the old tokens or the new ones, never a mix.
   */
  replace(next: TokenSet): void {
    this.entries = next.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Token names and scopes (never the digests), for logs and docs. */
  describe(): { name: string; scopes: Scope[] }[] {
    return this.entries.map((e) => ({ name: e.name, scopes: SCOPES.filter((s) => e.scopes.has(s)) }));
  }

  /** The principal of a presented token, or null; compares with every entry in constant time. */
  authenticate(presented: string): Principal | null {
    const digest = sha256(presented);
    let found: Entry | null = null;
    for (const e of this.entries) if (timingSafeEqual(digest, e.digest) && found === null) found = e;
    return found === null ? null : { name: found.name, scopes: found.scopes };
  }
}
