// `serve --tokens FILE` re-reads the file on SIGHUP, so tokens are added, revoked or rotated without
// a restart (and without dropping the connections and requests in flight). The new file is read
// and checked whole before anything changes: a file that does not parse (a typo, or an editor that
// wrote half of it when the signal came) keeps the tokens in use and logs one line saying why.
import type { TokenSet } from './tokens.js';

/** Options of {@link reloadTokensOnHangup}. */
export interface TokenReloadOptions {
  /** The set the server checks requests against (replaced in place). */
  tokens: TokenSet;
  /** The file, for messages. */
  file: string;
  /** Reads and checks the new set (the file's tokens plus any fixed ones); throws on a bad file. */
  load: () => TokenSet;
  log: (message: string) => void;
  /** The signal to listen to. Default SIGHUP. */
  signal?: NodeJS.Signals;
}

/** Reloads the tokens on each SIGHUP; returns a function that stops listening. */
export function reloadTokensOnHangup(o: TokenReloadOptions): () => void {
  const signal = o.signal ?? 'SIGHUP';
  const reload = () => {
    let next: TokenSet;
    try {
      next = o.load();
    } catch (error) {
      o.log(`${signal}: tokens not reloaded, keeping the ${o.tokens.size} in use: ${(error as Error).message}`);
      return;
    }
    o.tokens.replace(next);
    o.log(`${signal}: reloaded ${next.size} tokens from ${o.file}`);
  };
  process.on(signal, reload);
  return () => void process.off(signal, reload);
}
