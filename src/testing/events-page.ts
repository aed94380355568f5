import type { EmulatorSnapshot } from './snapshot';

/** The emulator's events page, like Connect's Settings › Events: plain, self-contained HTML. */

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The events page for a snapshot: plain, self-contained HTML (what `GET /` answers).
 *
 * @example
 * ```ts
 * const html = renderEventsPage(emulator.snapshot());
 * ```
 */
export function renderEventsPage(snapshot: EmulatorSnapshot): string {
  const userRows = snapshot.users
    .map(
      (user) =>
        `<tr data-user-id="${escapeHtml(user.user_id)}"><td>${escapeHtml(user.user_id)}</td><td>${escapeHtml(
          [user.first_name, user.last_name].filter(Boolean).join(' '),
        )}</td><td>${escapeHtml(user.email)}</td><td>${escapeHtml(user.phone_number)}</td><td>${escapeHtml(user.timezone)}</td><td>${
          user.apns.length + user.fcm.length + user.gcm.length
        }</td><td>${escapeHtml(user.previous_ids.join(', '))}</td><td><code>${escapeHtml(JSON.stringify(user.attributes))}</code></td></tr>`,
    )
    .join('\n');
  const countRows = snapshot.eventCounts
    .map(
      ({ event, count }) =>
        `<tr data-event="${escapeHtml(event)}"><td>${escapeHtml(event)}</td><td class="count">${count}</td></tr>`,
    )
    .join('\n');
  const eventRows = snapshot.events
    .slice(-200)
    .reverse()
    .map(
      (event) =>
        `<tr><td>${escapeHtml(new Date(event.received_at).toISOString())}</td><td>${escapeHtml(event.user_id)}</td><td>${escapeHtml(
          event.event,
        )}</td><td><code>${escapeHtml(JSON.stringify(event.properties))}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Connect emulator: events</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1f2933; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #f5f7fa; } code { font-size: 12px; word-break: break-all; } .empty { color: #7b8794; }
</style>
</head>
<body>
<h1>Connect emulator</h1>
<p>Events received in the last 24 hours, and the users Connect knows. <a href="/_emulator/state">As JSON</a>.</p>
<h2>Events (last 24 hours)</h2>
${countRows ? `<table id="event-counts"><thead><tr><th>Event</th><th>Count</th></tr></thead><tbody>\n${countRows}\n</tbody></table>` : '<p class="empty" id="event-counts">No events received in the last 24 hours.</p>'}
<h2>Users (${snapshot.users.length})</h2>
${userRows ? `<table id="users"><thead><tr><th>User id</th><th>Name</th><th>Email</th><th>Phone</th><th>Timezone</th><th>Push tokens</th><th>Previous ids</th><th>Attributes</th></tr></thead><tbody>\n${userRows}\n</tbody></table>` : '<p class="empty" id="users">No users yet.</p>'}
<h2>Latest events</h2>
${eventRows ? `<table id="latest-events"><thead><tr><th>Received</th><th>User id</th><th>Event</th><th>Properties</th></tr></thead><tbody>\n${eventRows}\n</tbody></table>` : '<p class="empty">None.</p>'}
</body>
</html>
`;
}
