/** The page's few DOM helpers: no framework, a few hundred bytes. */

export type Child = Node | string | number | null | undefined | false | Child[];
type Attributes = Record<string, string | number | boolean | EventListener | null | undefined>;

/** An element with attributes (`on…` are listeners; `false`/`null` skip) and children. */
export function h(
  tag: string,
  attributes: Attributes | null = null,
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false)
      parent.appendChild(document.createTextNode(String(child)));
  }
}

/** What identifies a focusable element across a re-render: its `data-k`, its link, its fold. */
function focusKey(element: Element | null): string | null {
  if (!element) return null;
  if (element.tagName === 'SUMMARY') return focusKey(element.parentElement);
  const k = element.getAttribute('data-k');
  if (k) return `[data-k="${CSS.escape(k)}"]`;
  const href = element.getAttribute('href');
  return href ? `a[href="${CSS.escape(href)}"]` : null;
}

/**
 * Replaces `parent`'s children, keeping which `<details data-k>` were open and where the focus
 * was, so a live update does not move a keyboard user or close what they opened.
 */
export function replace(parent: HTMLElement, ...children: Child[]): void {
  const open = new Set(
    [...parent.querySelectorAll('details[open][data-k]')].map((d) => d.getAttribute('data-k')),
  );
  const active = document.activeElement;
  const focused = parent.contains(active) ? focusKey(active) : null;
  parent.textContent = '';
  append(parent, children);
  for (const details of parent.querySelectorAll<HTMLDetailsElement>('details[data-k]'))
    if (open.has(details.getAttribute('data-k'))) details.open = true;
  if (!focused) return;
  const again = parent.querySelector<HTMLElement>(focused);
  (again?.tagName === 'DETAILS' ? again.querySelector('summary') : again)?.focus();
}

/** A view's memory of what it showed: false for data equal (but for `seq`) to the last. */
export function changes(): (value: object) => boolean {
  let last = '';
  return (value) => {
    const text = JSON.stringify({ ...value, seq: 0 });
    if (text === last) return false;
    last = text;
    return true;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A `<time>`: local time of day to the millisecond; the full date when hovered. */
export function time(ms: number): HTMLElement {
  const d = new Date(ms);
  const iso = d.toISOString();
  return h(
    'time',
    { datetime: iso, title: d.toString() },
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`,
  );
}

/**
 * A value on one line, folded when long: the start as the summary of a `<details>` that
 * opens on the whole value, pretty-printed. `key` keeps it open across live updates.
 */
export function fold(value: unknown, key: string, room = 80): HTMLElement {
  const line = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (line.length <= room) return h('code', null, line);
  const whole = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h(
    'details',
    { class: 'fold', 'data-k': key },
    h('summary', null, h('code', null, `${line.slice(0, room - 1)}…`)),
    h('pre', null, whole),
  );
}

/** A link to a route of the page. */
export const link = (route: string, ...children: Child[]) =>
  h('a', { href: `#/${route}` }, ...children);

/** A route segment for an id or a name. */
export const segment = (value: string) => encodeURIComponent(value);

/** `1 item`, `2 items`. */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** JSON from the emulator, relative to the page (so it works under any mount). */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`_emulator/${path}`, { cache: 'no-store' });
  if (!response.ok && response.status !== 404) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** Posts a control; resolves with Connect's error message, or `undefined` when it was done. */
export async function postControl(path: string, body: unknown = {}): Promise<string | undefined> {
  const response = await fetch(`_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) return undefined;
  const answer = (await response.json().catch(() => ({}))) as { error?: { Message?: string } };
  return answer.error?.Message ?? `failed with ${response.status}`;
}
