import type { Box } from './box.js';

/**
 * A uniform grid over the canvas for the collision tests of the label placer: each cell lists the
 * items (boxes or points) that reach into it, so a query looks at the few items near a box instead
 * of all of them. Items are numbers (the caller's ids).
 */
export class GridIndex {
  private readonly cells: number[][];
  private readonly columns: number;
  private readonly rows: number;
  /** Query stamp per item, so an item in several cells is reported once per query. */
  private seen: Int32Array = new Int32Array(64);
  private stamp = 0;

  constructor(
    width: number,
    height: number,
    private readonly cellSize: number,
  ) {
    this.columns = Math.max(1, Math.ceil(width / cellSize));
    this.rows = Math.max(1, Math.ceil(height / cellSize));
    this.cells = Array.from({ length: this.columns * this.rows }, () => []);
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor(x / this.cellSize)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cellSize)));
  }

  /** Files item `id` under every cell `box` reaches. */
  insert(id: number, box: Box): void {
    if (id >= this.seen.length) {
      const grown = new Int32Array(Math.max(id + 1, 2 * this.seen.length));
      grown.set(this.seen);
      this.seen = grown;
    }
    for (let r = this.row(box.y0); r <= this.row(box.y1); r++)
      for (let c = this.column(box.x0); c <= this.column(box.x1); c++) this.cells[r * this.columns + c].push(id);
  }

  /**
   * Calls `visit` once for every item filed in a cell that `box` reaches (a superset of the items
   * that meet it: the caller tests exactly); stops early when `visit` returns true.
   */
  some(box: Box, visit: (id: number) => boolean): boolean {
    const stamp = ++this.stamp;
    for (let r = this.row(box.y0); r <= this.row(box.y1); r++) {
      for (let c = this.column(box.x0); c <= this.column(box.x1); c++) {
        for (const id of this.cells[r * this.columns + c]) {
          if (this.seen[id] === stamp) continue;
          this.seen[id] = stamp;
          if (visit(id)) return true;
        }
      }
    }
    return false;
  }
}
