/**
 * A one-line progress bar on stderr, redrawn in place. Quiet (no output at all) when stderr is not
 * a terminal or when disabled, so logs and pipes stay clean.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  readonly enabled: boolean;

  constructor(
    enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = enabled && stream.isTTY === true;
  }

  /** Draws `label` with a bar for `fraction` (0..1) and a free-form `detail` text; throttled to 10 Hz. */
  update(label: string, fraction: number, detail: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 24;
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    const full = Math.round(f * width);
    const bar = '█'.repeat(full) + '░'.repeat(width - full);
    const line = `${label.padEnd(6)} ${bar} ${(f * 100).toFixed(1).padStart(5)}%  ${detail}`;
    const cols = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line (call before printing results). */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** 1234567 -> "1.23M". */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

/** Seconds -> "1:05" / "1:02:03". */
export function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '-:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
