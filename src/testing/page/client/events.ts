import type { EventsPage } from '../data';
import { changes, count, fold, getJson, h, link, replace, segment, time } from './dom';
import type { View, ViewFactory } from './view';

/** Events by name with counts, a timeline, and every event, a page at a time. */

const PAGE = 50;

export const eventsView: ViewFactory = (main, [encoded]) => {
  const name = encoded === undefined ? undefined : decodeURIComponent(encoded);
  let offset = 0;
  const fresh = changes();
  const body = h('div');
  main.append(body);
  const go = (to: number) => {
    offset = Math.max(0, to);
    void view.refresh();
  };

  const view: View = {
    title: name === undefined ? 'Events' : `Events: ${name}`,
    async refresh() {
      const page = await getJson<EventsPage>(
        `events?limit=${PAGE}&offset=${offset}${name === undefined ? '' : `&name=${encodeURIComponent(name)}`}`,
      );
      if (!fresh(page)) return;
      const last = Math.min(page.matching, offset + page.items.length);
      replace(
        body,
        h(
          'p',
          { class: 'meta' },
          `${count(page.total, 'event')} received, ${count(page.names.length, 'name')}.`,
          name !== undefined && [' ', link('events', 'All events')],
        ),
        page.names.length > 0 &&
          h(
            'table',
            { id: 'event-counts' },
            h('caption', null, 'By name'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...['Event', 'Count', 'Last received'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              null,
              page.names.map((n) =>
                h(
                  'tr',
                  { 'data-event': n.event, class: n.event === name ? 'chosen' : null },
                  h('td', null, link(`events/${segment(n.event)}`, n.event)),
                  h('td', { class: 'num' }, n.count),
                  h('td', null, time(n.last)),
                ),
              ),
            ),
          ),
        page.matching > 0 && chart(page, name),
        h('h3', null, name === undefined ? 'Received, newest first' : `${name}, newest first`),
        page.items.length === 0
          ? h('p', { class: 'meta' }, 'None yet.')
          : h(
              'table',
              { id: 'events' },
              h('caption', { class: 'sr' }, 'Events, newest first'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...['Received', 'User', 'Event', 'Properties'].map((t) =>
                    h('th', { scope: 'col' }, t),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                page.items.map((e) =>
                  h(
                    'tr',
                    null,
                    h('td', null, time(e.received_at)),
                    h('td', { class: 'clip' }, link(`user/${segment(e.user_id)}`, e.user_id)),
                    h('td', null, e.event),
                    h('td', null, fold(e.properties, `p-${e.n}`, 60)),
                  ),
                ),
              ),
            ),
        page.matching > PAGE &&
          h(
            'nav',
            { class: 'pager', 'aria-label': 'Pages of events' },
            h(
              'button',
              {
                type: 'button',
                'data-k': 'newer',
                disabled: offset === 0,
                onclick: () => go(offset - PAGE),
              },
              'Newer',
            ),
            h('span', null, ` ${offset + 1}–${last} of ${page.matching} `),
            h(
              'button',
              {
                type: 'button',
                'data-k': 'older',
                disabled: last >= page.matching,
                onclick: () => go(offset + PAGE),
              },
              'Older',
            ),
          ),
      );
    },
  };
  return view;
};

/** Bars per bucket; each says its count and time to a screen reader, the figure sums it up. */
function chart({ timeline, matching }: EventsPage, name: string | undefined) {
  const { start, bucketMs, counts } = timeline;
  const top = Math.max(1, ...counts);
  const per =
    bucketMs >= 3_600_000
      ? `${bucketMs / 3_600_000} h`
      : bucketMs >= 60_000
        ? `${bucketMs / 60_000} min`
        : `${bucketMs / 1_000} s`;
  return h(
    'figure',
    { class: 'timeline' },
    h(
      'figcaption',
      null,
      `Timeline: ${count(matching, name === undefined ? 'event' : `“${name}”`, name === undefined ? 'events' : `“${name}”`)}, per ${per}`,
    ),
    h(
      'div',
      { class: 'bars', role: 'list' },
      counts.map((n, i) => {
        const at = time(start + i * bucketMs).textContent;
        return h(
          'div',
          { role: 'listitem', class: 'bar', title: `${n} at ${at}`, 'aria-label': `${n} at ${at}` },
          h('span', { style: `height:${(n / top) * 100}%` }),
        );
      }),
    ),
  );
}
