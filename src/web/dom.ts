// Tiny DOM helpers: typed lookups by id and an element builder.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The page has no #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<'className' | 'textContent' | 'title', string>> & { style?: string; dataset?: Record<string, string> } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.textContent !== undefined) node.textContent = props.textContent;
  if (props.title) node.title = props.title;
  if (props.style) node.setAttribute('style', props.style);
  for (const [k, v] of Object.entries(props.dataset ?? {})) node.dataset[k] = v;
  node.append(...children);
  return node;
}

/** Reads an <input type=number>, falling back when it is empty or not a number. */
export function numberInput(id: string, fallback: number): number {
  const v = Number(byId<HTMLInputElement>(id).value);
  return Number.isFinite(v) && byId<HTMLInputElement>(id).value.trim() !== '' ? v : fallback;
}

/** A segmented control: buttons with data-value, one active; calls back on change. */
export function segmented(id: string, onChange: (value: string) => void): { value: () => string; set: (v: string) => void } {
  const root = byId(id);
  const buttons = [...root.querySelectorAll<HTMLButtonElement>('button')];
  const set = (v: string) => buttons.forEach((b) => b.classList.toggle('active', b.dataset.value === v));
  for (const b of buttons) {
    b.type = 'button';
    b.setAttribute('role', 'radio');
    b.addEventListener('click', () => {
      set(b.dataset.value!);
      onChange(b.dataset.value!);
    });
  }
  return { value: () => buttons.find((b) => b.classList.contains('active'))?.dataset.value ?? '', set };
}
