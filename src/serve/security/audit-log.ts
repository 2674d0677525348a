// The audit log of writes: one JSON line per request to a route of scope write or admin —
// refused ones too — with the time, the token's name (never the token), the client address, the
// route, the ids it touched and the status. No request body, no header, no query string is
// written. Each line is appended (O_APPEND) and fdatasync'ed before the response leaves, so a
// change the client saw acknowledged is on disk in the log.
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../../errors.js';

/** One line of the audit log. */
export interface AuditEntry {
  /** ISO 8601, UTC. */
  time: string;
  /** The token's name; null without a (valid) token. */
  token: string | null;
  ip: string;
  method: string;
  /** The route pattern (`/v1/projections/:id`), or the path without its query when no route matched. */
  route: string;
  /** Ids the request named or created (route parameters; `id`/`ids`/`documents[].id` of the body and of the response). */
  ids: string[];
  status: number;
}

/** Most ids written per line (a bulk write names its first ones and how many more there were). */
export const MAX_AUDIT_IDS = 1000;

/** The ids of a route's parameters, the body's `id`/`ids`/`documents[].id`/`items[].id` and the response's `id`/`ids`. */
export function touchedIds(params: unknown, body: unknown, response: unknown): { ids: string[]; more: number } {
  const out: string[] = [];
  let more = 0;
  const add = (v: unknown) => {
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v);
    if (out.includes(s)) return;
    if (out.length < MAX_AUDIT_IDS) out.push(s);
    else more++;
  };
  const fromObject = (o: unknown, withParams: boolean) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
    const r = o as Record<string, unknown>;
    if (withParams) for (const v of Object.values(r)) add(v);
    add(r.id);
    if (Array.isArray(r.ids)) r.ids.forEach(add);
    for (const list of [r.documents, r.items])
      if (Array.isArray(list)) for (const d of list) if (typeof d === 'object' && d !== null) add((d as { id?: unknown }).id);
  };
  fromObject(params, true);
  fromObject(body, false);
  fromObject(response, false);
  return { ids: out, more };
}

/** An append-only JSON-lines file; writes are serialized and each is synced to disk. */
export class AuditLog {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (creates, mode 0600) `file` for appending; a UsageError names the file if it cannot. */
  static async open(file: string): Promise<AuditLog> {
    try {
      return new AuditLog(file, await open(file, 'a', 0o600));
    } catch (error) {
      throw new UsageError(`cannot open the audit log ${file}: ${(error as Error).message}`);
    }
  }

  /** Appends one entry and waits until it is on disk. */
  append(entry: AuditEntry & { moreIds?: number }): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the audit log ${this.file} is closed`));
    const line = `${JSON.stringify(entry)}\n`;
    const write = this.tail.then(async () => {
      await this.handle.write(line);
      await this.handle.datasync();
    });
    // the next line waits for this one whether it succeeded or not
    this.tail = write.catch(() => undefined);
    return write;
  }

  /** Waits for the pending lines, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.handle.close();
  }
}
