import type { EmulatedUser } from '../../store';
import type { UserPage, UsersPage } from '../data';
import { changes, count, fold, getJson, h, link, replace, segment, time } from './dom';
import { field } from './requests';
import type { View, ViewFactory } from './view';

/** The users Connect knows, searchable; and one user's page. */

const PAGE = 50;

export const usersView: ViewFactory = (main) => {
  let shown = PAGE;
  const fresh = changes();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const search = h('input', {
    type: 'search',
    id: 'user-search',
    autocomplete: 'off',
    placeholder: 'id, name, email, phone or a previous id',
    oninput: () => {
      clearTimeout(timer);
      shown = PAGE;
      timer = setTimeout(() => void view.refresh(), 150);
    },
  }) as HTMLInputElement;
  const status = h('p', { role: 'status', class: 'meta' });
  const results = h('div');
  main.append(
    h('p', { class: 'search' }, h('label', { for: 'user-search' }, 'Search users'), search),
    status,
    results,
  );

  const view: View = {
    title: 'Users',
    async refresh() {
      const q = search.value.trim();
      const page = await getJson<UsersPage>(`users?limit=${shown}&q=${encodeURIComponent(q)}`);
      const said = q
        ? `${count(page.matching, 'user')} of ${page.total} match “${q}”.`
        : `${count(page.total, 'user')}, newest first.`;
      if (status.textContent !== said) status.textContent = said;
      if (!fresh(page)) return;
      replace(
        results,
        page.items.length > 0 &&
          h(
            'table',
            { id: 'users' },
            h('caption', { class: 'sr' }, 'Users'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...['User id', 'Name', 'Email', 'Events', 'Previous ids'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              page.items.map((u) =>
                h(
                  'tr',
                  { 'data-user-id': u.user_id },
                  h(
                    'td',
                    null,
                    link(`user/${segment(u.user_id)}`, u.user_id),
                    !u.profile &&
                      h(
                        'span',
                        { class: 'badge', title: 'Events arrived under this id; no identify did' },
                        'no profile',
                      ),
                  ),
                  h('td', { class: 'clip' }, u.name ?? ''),
                  h('td', { class: 'clip' }, u.email ?? ''),
                  h('td', { class: 'num' }, u.events),
                  h('td', { class: 'clip' }, u.previous_ids.join(', ')),
                ),
              ),
            ),
          ),
        page.matching > page.items.length &&
          h(
            'button',
            {
              type: 'button',
              'data-k': 'more',
              onclick: () => {
                shown += PAGE;
                void view.refresh();
              },
            },
            `Show ${Math.min(PAGE, page.matching - page.items.length)} more`,
          ),
      );
    },
  };
  return view;
};

const IDENTITY = [
  'first_name',
  'last_name',
  'email',
  'phone_number',
  'timezone',
  'group_id',
] as const;
const PLATFORMS = [
  ['apns', 'APNs'],
  ['fcm', 'FCM'],
  ['gcm', 'GCM'],
] as const;

export const userView: ViewFactory = (main, [encoded]) => {
  const id = decodeURIComponent(encoded ?? '');
  let shown = 100;
  const fresh = changes();
  const body = h('div');
  main.append(body);
  const view: View = {
    title: `User ${id}`,
    async refresh() {
      const page = await getJson<UserPage | { error: unknown }>(
        `users/${segment(id)}?limit=${shown}`,
      );
      if (!fresh(page)) return;
      if (!('user_id' in page))
        return replace(
          body,
          h('p', null, `Nothing arrived for ${id} yet: no identify, event or write under this id.`),
          link('users', 'All users'),
        );
      const { user, events, writes } = page;
      const more = (total: number, items: number) =>
        total > items &&
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              shown += 100;
              void view.refresh();
            },
          },
          `Show ${Math.min(100, total - items)} more of ${total}`,
        );
      replace(
        body,
        page.mergedFrom !== undefined &&
          h(
            'p',
            { class: 'note' },
            `${page.mergedFrom} was merged into ${page.user_id} by an alias; this is that user.`,
          ),
        user
          ? profile(user)
          : h(
              'p',
              { class: 'note' },
              'No profile: events or writes arrived under this id, but no identify.',
            ),
        h(
          'div',
          { class: 'cards' },
          h(
            'section',
            null,
            h('h3', null, `Events (${events.total}), in the order applied`),
            events.items.length === 0
              ? h('p', { class: 'meta' }, 'None.')
              : h(
                  'ol',
                  { id: 'user-events', class: 'log' },
                  events.items.map((e) =>
                    h(
                      'li',
                      null,
                      time(e.received_at),
                      ' ',
                      h('strong', { class: 'event' }, e.event),
                      ' ',
                      fold(e.properties, `e-${e.n}`, 60),
                    ),
                  ),
                ),
            more(events.total, events.items.length),
          ),
          h(
            'section',
            null,
            h('h3', null, `Writes (${writes.total}), in the order applied`),
            writes.items.length === 0
              ? h('p', { class: 'meta' }, 'None.')
              : h(
                  'ol',
                  { id: 'user-writes', class: 'log' },
                  writes.items.map((w) =>
                    h(
                      'li',
                      null,
                      time(w.time),
                      ' ',
                      h('strong', { class: 'kind' }, w.kind),
                      ` ${w.ids.join(' ← ')}${w.user === w.ids[0] ? '' : ` → ${w.user}`} via ${w.path}`,
                      w.requestId && h('span', { class: 'meta' }, ` · GUID ${w.requestId}`),
                      ' ',
                      fold(w.body, `w-${w.seq}`, 60),
                    ),
                  ),
                ),
            more(writes.total, writes.items.length),
          ),
        ),
      );
    },
  };
  return view;
};

function profile(user: EmulatedUser) {
  const attributes = (title: string, values: Record<string, unknown>, key: string) => [
    h('h3', null, `${title} (${Object.keys(values).length})`),
    Object.keys(values).length === 0
      ? h('p', { class: 'meta' }, 'None.')
      : h(
          'table',
          { class: 'attributes' },
          h('caption', { class: 'sr' }, title),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value')),
          ),
          h(
            'tbody',
            null,
            Object.entries(values).map(([name, value]) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, name),
                h('td', null, fold(value, `${key}-${name}`)),
              ),
            ),
          ),
        ),
  ];
  return [
    h(
      'div',
      { class: 'cards' },
      h(
        'section',
        null,
        h('h3', null, 'Profile'),
        h(
          'dl',
          { class: 'fields', id: 'profile' },
          field('user_id', user.user_id),
          IDENTITY.map((name) => field(name, user[name] ?? '–')),
          field('Created', time(user.created_at)),
          field('Updated', time(user.updated_at)),
        ),
      ),
      h(
        'section',
        null,
        h('h3', null, 'Push tokens'),
        h(
          'dl',
          { class: 'fields', id: 'tokens' },
          PLATFORMS.map(([platform, label]) =>
            field(
              label,
              user[platform].length === 0
                ? '–'
                : h(
                    'ul',
                    { class: 'plain' },
                    user[platform].map((t, i) => h('li', null, fold(t, `${platform}-${i}`, 60))),
                  ),
            ),
          ),
        ),
        h('h3', null, 'Previous ids'),
        user.previous_ids.length === 0
          ? h('p', { class: 'meta' }, 'None: no alias merged another id into this user.')
          : h(
              'ul',
              { id: 'previous-ids' },
              user.previous_ids.map((p) => h('li', null, h('code', null, p))),
            ),
        h('h3', null, 'Subscriptions'),
        h(
          'p',
          null,
          user.unsubscribed_all ? 'Unsubscribed from everything.' : 'Subscribed.',
          user.unsubscribed_campaigns.length > 0 &&
            ` Unsubscribed from campaigns ${user.unsubscribed_campaigns.join(', ')}.`,
        ),
      ),
    ),
    attributes('Attributes', user.attributes, 'a'),
    Object.keys(user.group_attributes).length > 0 &&
      attributes('Group attributes', user.group_attributes, 'g'),
  ];
}
