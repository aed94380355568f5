import type { Overview } from '../data';
import { controlsPanel } from './controls';
import { getJson, h, replace } from './dom';
import { eventsView } from './events';
import { follow, type LiveMessage, type LiveStatus } from './live';
import { requestsView, requestView } from './requests';
import { usersView, userView } from './users';
import type { View, ViewFactory } from './view';

/** The debugger page: a shell (header, nav, controls) around one view per route, kept live. */

const ROUTES: Record<string, ViewFactory> = {
  requests: requestsView,
  request: requestView,
  users: usersView,
  user: userView,
  events: eventsView,
};
/** Which nav link a route belongs to. */
const SECTION: Record<string, string> = { request: 'requests', user: 'users' };
const REFRESH_MS = 200;

const main = document.getElementById('main') as HTMLElement;
const status = document.getElementById('live') as HTMLElement;
const counts = {
  requests: document.getElementById('n-requests') as HTMLElement,
  users: document.getElementById('n-users') as HTMLElement,
  events: document.getElementById('n-events') as HTMLElement,
};
const showArmed = controlsPanel(document.getElementById('controls') as HTMLElement, () =>
  schedule(),
);

let view: View;

function route(focus: boolean): void {
  const [name = 'requests', ...args] = location.hash.replace(/^#\/?/, '').split('/');
  const factory = ROUTES[name] ?? requestsView;
  const heading = h('h2', { id: 'view-heading', tabindex: -1 });
  replace(main, heading);
  view = factory(main, args);
  heading.textContent = view.title;
  document.title = `${view.title} · Connect emulator`;
  const section = SECTION[name] ?? (ROUTES[name] ? name : 'requests');
  for (const a of document.querySelectorAll('nav a'))
    if (a.getAttribute('href') === `#/${section}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  if (focus) heading.focus();
  void refresh(true);
}

async function overview(): Promise<Overview> {
  const o = await getJson<Overview>('overview');
  counts.requests.textContent =
    o.refused > 0 ? `${o.requests} (${o.refused} refused)` : String(o.requests);
  counts.users.textContent = String(o.users);
  counts.events.textContent = String(o.events);
  showArmed(o.faults);
  return o;
}

/** Re-reads the overview and, unless it follows the feed by itself, the view. */
async function refresh(all = false): Promise<void> {
  try {
    await Promise.all([overview(), all || !view.onRequest ? view.refresh() : undefined]);
  } catch {
    setStatus('offline');
  }
}

/** At most one refresh per 200 ms however fast requests arrive, and always one after the last. */
let timer: ReturnType<typeof setTimeout> | undefined;
let dirty = false;
let full = false;
function schedule(all = false): void {
  full ||= all;
  if (timer) {
    dirty = true;
    return;
  }
  timer = setTimeout(async () => {
    const reload = full;
    full = dirty = false;
    await refresh(reload);
    timer = undefined;
    if (dirty) schedule();
  }, REFRESH_MS);
}

function setStatus(s: LiveStatus): void {
  const text = {
    connecting: 'Connecting…',
    live: 'Live',
    polling: 'Live (polling)',
    offline: 'Offline: retrying',
  }[s];
  if (status.textContent !== text) status.textContent = text;
  status.dataset.status = s;
}

function onMessage(message: LiveMessage): void {
  if (message.type === 'request') view.onRequest?.(message.request);
  schedule(message.type === 'reset' || message.type === 'gap');
}

addEventListener('hashchange', () => route(true));
const start = await overview().catch(() => undefined);
route(false);
follow(start?.seq ?? 0, onMessage, setStatus);
