import { type CallDetail, type CallSummary, isRefused } from '../../calls';
import type { RequestsPage } from '../data';
import { changes, count, fold, getJson, h, link, replace, time } from './dom';
import type { View, ViewFactory } from './view';

/** Every request with what Connect said; newest first, live, all or refused only. */

const SHOWN = 200;

export const requestsView: ViewFactory = (main, [filter]) => {
  const refusedOnly = filter === 'refused';
  const rows = h('tbody');
  const summary = h('p', { class: 'meta' });
  const more = h(
    'button',
    { type: 'button', hidden: true, onclick: () => void load(oldest()) },
    'Show older requests',
  );
  const byN = new Map<number, HTMLElement>();
  /** Rows kept as new ones arrive: what was shown first, and what "Show older" added since. */
  let cap = SHOWN;
  const oldest = () => Math.min(...byN.keys());

  const choice = (value: string, label: string, checked: boolean) =>
    h(
      'label',
      null,
      h('input', {
        type: 'radio',
        name: 'filter',
        value,
        checked,
        onchange: () => {
          location.hash = value === 'refused' ? '#/requests/refused' : '#/requests';
        },
      }),
      ` ${label}`,
    );

  main.append(
    h(
      'fieldset',
      { class: 'filter' },
      h('legend', null, 'Show'),
      choice('all', 'All', !refusedOnly),
      choice('refused', 'Refused', refusedOnly),
    ),
    summary,
    h(
      'table',
      { id: 'requests' },
      h(
        'caption',
        { class: 'sr' },
        refusedOnly ? 'Refused requests, newest first' : 'Requests, newest first',
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...['Time', 'Method', 'Path', 'Status', 'Items', 'Key', 'Connect said'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      rows,
    ),
    more,
  );

  const row = (r: CallSummary) => {
    const refused = isRefused(r);
    return h(
      'tr',
      { 'data-n': r.n, class: refused ? 'refused' : r.state === 'pending' ? 'pending' : null },
      h('td', null, time(r.time)),
      h('td', null, r.method),
      h('td', null, link(`request/${r.n}`, r.path)),
      h(
        'td',
        { class: 'status' },
        r.state === 'dropped' ? 'dropped' : r.state === 'pending' ? 'waiting' : r.status,
      ),
      h('td', { class: 'num' }, r.items ?? '–'),
      h(
        'td',
        { class: 'key' },
        r.key ? h('code', null, r.key) : h('span', { class: 'meta' }, 'none'),
      ),
      h('td', { class: 'said' }, r.said ?? (refused ? '' : 'ok')),
    );
  };

  /** Adds or updates a request's row; new ones go on top. */
  const put = (r: CallSummary, top: boolean) => {
    if (refusedOnly && !isRefused(r) && r.state !== 'pending') {
      byN.get(r.n)?.remove();
      byN.delete(r.n);
      return;
    }
    if (refusedOnly && r.state === 'pending') return;
    const next = row(r);
    const current = byN.get(r.n);
    if (current) current.replaceWith(next);
    else if (top) rows.prepend(next);
    else rows.append(next);
    byN.set(r.n, next);
    if (byN.size > cap && top) {
      const last = byN.get(oldest());
      last?.remove();
      byN.delete(oldest());
      more.hidden = false;
    }
  };

  let totals = { total: 0, refused: 0 };
  const describe = () =>
    replace(
      summary,
      refusedOnly
        ? `${count(totals.refused, 'refused request')} of ${totals.total}.`
        : `${count(totals.total, 'request')}, ${totals.refused} refused.`,
      byN.size === 0 ? ' Nothing yet: point a client at this emulator, or send a request.' : '',
    );

  async function load(before?: number) {
    const page = await getJson<RequestsPage>(
      `requests?limit=${SHOWN}${refusedOnly ? '&filter=refused' : ''}${before === undefined ? '' : `&before=${before}`}`,
    );
    if (before === undefined) {
      rows.textContent = '';
      byN.clear();
      cap = SHOWN;
    } else cap += SHOWN;
    for (const r of page.items) put(r, false);
    totals = page;
    more.hidden = page.items.length < SHOWN;
    describe();
  }

  return {
    title: refusedOnly ? 'Refused requests' : 'Requests',
    refresh: () => load(),
    onRequest(r) {
      const known = byN.has(r.n);
      put(r, true);
      if (!known && r.state !== 'pending') {
        totals.total = Math.max(totals.total, r.n + 1);
        if (isRefused(r)) totals.refused++;
      }
      describe();
    },
  } satisfies View;
};

/** One request: what arrived, what Connect answered, the batch items it named. */
export const requestView: ViewFactory = (main, [n]) => {
  const body = h('div');
  const fresh = changes();
  main.append(body);
  const view: View = {
    title: `Request ${n}`,
    async refresh() {
      const r = await getJson<CallDetail & { error?: unknown }>(`requests/${n}`);
      if (!fresh(r)) return;
      if (!('n' in r))
        return replace(
          body,
          h('p', null, 'No such request: the emulator was reset, or restarted.'),
        );
      const named = new Set([...(r.said ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
      const items = Array.isArray(r.body) ? (r.body as unknown[]) : undefined;
      replace(
        body,
        h(
          'dl',
          { class: 'fields' },
          field('Time', time(r.time)),
          field('Request', `${r.method} ${r.path}`),
          field('Status', r.state === 'answered' ? String(r.status) : r.state),
          field('Items', r.items ?? '–'),
          field('Key', r.key ?? 'none'),
          field('X-Outbound-GUID', r.headers['x-outbound-guid'] ?? 'none'),
          field('X-Outbound-Client', r.headers['x-outbound-client'] ?? 'none'),
        ),
        r.said !== undefined && [
          h('h3', null, 'Connect said'),
          h('p', { class: 'said refused' }, r.said),
        ],
        r.response && [h('h3', null, 'Response body'), h('pre', null, r.response)],
        h('h3', null, items ? `Body: ${count(items.length, 'item')}` : 'Body'),
        items
          ? h(
              'ol',
              { class: 'items', start: 0 },
              items.map((item, i) =>
                h(
                  'li',
                  { class: named.has(i) ? 'refused' : null },
                  h(
                    'span',
                    { class: 'meta' },
                    `[${i}]${named.has(i) ? ' named in the refusal ' : ' '}`,
                  ),
                  fold(item, `item-${i}`),
                ),
              ),
            )
          : h('pre', null, typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)),
      );
    },
  };
  return view;
};

export const field = (name: string, ...value: (Node | string | number)[]) => [
  h('dt', null, name),
  h('dd', null, ...value),
];
