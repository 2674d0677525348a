// The find box: suggestions from the loaded labels (prefix matches first, then substrings),
// arrow keys to move, Enter to pick. Matching is case-insensitive over a lower-cased copy.
import { el } from './dom.js';

const SHOWN = 8;

export class SearchBox {
  private labels: string[] = [];
  private lower: string[] = [];
  private matches: string[] = [];
  private active = -1;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLElement,
    private readonly onPick: (label: string) => void,
  ) {
    input.addEventListener('input', () => this.suggest());
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('blur', () => setTimeout(() => (this.list.hidden = true), 150));
  }

  setLabels(labels: string[]): void {
    this.labels = labels;
    this.lower = labels.map((l) => l.toLowerCase());
  }

  private suggest(): void {
    const q = this.input.value.trim().toLowerCase();
    this.active = -1;
    if (!q) {
      this.list.hidden = true;
      return;
    }
    const prefix: string[] = [];
    const inner: string[] = [];
    for (let i = 0; i < this.lower.length && prefix.length < SHOWN; i++) {
      const at = this.lower[i].indexOf(q);
      if (at === 0) prefix.push(this.labels[i]);
      else if (at > 0 && inner.length < SHOWN) inner.push(this.labels[i]);
    }
    this.matches = [...prefix, ...inner].slice(0, SHOWN);
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.matches.map((label, i) => {
        const li = el('li', { className: i === this.active ? 'active' : '', textContent: label });
        li.setAttribute('role', 'option');
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          this.pick(label);
        });
        return li;
      }),
    );
    this.list.hidden = this.matches.length === 0;
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (this.matches.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.pick(this.active >= 0 ? this.matches[this.active] : this.input.value.trim());
    } else if (e.key === 'Escape') {
      this.list.hidden = true;
    }
  }

  private pick(label: string): void {
    if (!label) return;
    this.input.value = label;
    this.list.hidden = true;
    this.onPick(label);
  }
}
