/**
 * Screenshots of the Connect debugger for docs/testing.md, from a scripted session: six users,
 * 250 events, a batch Connect refused, three calls with a wrong key and a 503. The clock is the
 * emulator's and the browser runs in UTC, so a run changes the images only when the page changed.
 * Run: `npm run docs:screenshots` (Debian's Chromium, as the tests use).
 */
import { chromium } from 'playwright-core';
import { startConnectEmulatorServer } from '../src/node/testing';
import { createConnectEmulator } from '../src/testing/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium-flags';

const KEY = 'c0nnect-test-key-7f3a9b2e4d1c8a6f';
const WRONG_KEY = 'c0nnect-old-key-0a1b2c3d4e5f9e8d';
const START = Date.UTC(2026, 2, 10, 9, 30);
let clock = START;
const emulator = createConnectEmulator({ apiKeys: [KEY], now: () => clock });
const server = await startConnectEmulatorServer({ emulator });

const send = async (path: string, body: unknown, key = KEY, guid?: string) => {
  clock += 1_370;
  await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-outbound-key': key,
      'x-outbound-client': 'zendesk-connect/0.1.0',
      ...(guid ? { 'x-outbound-guid': guid } : {}),
    },
    body: JSON.stringify(body),
  });
};

const people = [
  ['019mr8mf4r', 'Michael', 'Bolton', 'mbolton@example.com', 'America/Chicago'],
  ['u-2041', 'Ana', 'Ruiz', 'ana.ruiz@example.com', 'Europe/Madrid'],
  ['u-2042', 'Kenji', 'Sato', 'kenji@example.jp', 'Asia/Tokyo'],
  ['u-2043', 'Grace', 'Okafor', 'grace.o@example.com', 'Africa/Lagos'],
  ['u-2044', 'Lena', 'Fischer', 'lena.fischer@example.de', 'Europe/Berlin'],
] as const;
await send(
  '/v2/identify/batch',
  people.map(([user_id, first_name, last_name, email, timezone], i) => ({
    user_id,
    first_name,
    last_name,
    email,
    timezone,
    attributes: {
      plan: i % 2 ? 'Startup' : 'Enterprise',
      seats: 3 + i * 4,
      signup_source: 'pricing-page',
      onboarding_checklist:
        'created a workspace, invited teammates, connected the help center, installed the web widget, set up a trigger',
    },
  })),
  KEY,
  'b7f1c2d0-0001',
);
const names = [
  'Viewed Pricing',
  'Started Trial',
  'Invited Teammate',
  'Created Ticket',
  'Order Completed',
];
const anonymous = '0195d3c4-8b2a-7e61-9f0d-3a5c7e9b1d24';
await send('/v2/track', {
  user_id: anonymous,
  event: 'Viewed Pricing',
  properties: { path: '/pricing', referrer: 'https://www.example.com/blog/connect' },
});
await send('/v2/track', {
  user_id: anonymous,
  event: 'Started Trial',
  properties: { plan: 'Startup' },
});
await send('/v2/identify', {
  user_id: 'u-2045',
  previous_id: anonymous,
  first_name: 'Priya',
  last_name: 'Nair',
  email: 'priya@example.com',
  attributes: { plan: 'Startup' },
});
await send('/v2/apns/register', {
  user_id: 'u-2045',
  token: '9f2c4e1a7b3d5f6e8a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f',
});
for (let batch = 0; batch < 5; batch++) {
  const events = Array.from({ length: 49 }, (_, i) => {
    const n = batch * 49 + i;
    return {
      user_id: n % 7 === 0 ? 'u-2045' : people[n % people.length]?.[0],
      event: names[(n * 7) % names.length] ?? 'Viewed Pricing',
      properties: { order_id: `ord_${1000 + n}`, value: (n % 9) * 12.5, currency: 'EUR' },
    };
  });
  await send('/v2/track/batch', events, KEY, `b7f1c2d0-01${batch}`);
  if (batch === 1) {
    await send('/v2/track/batch', [
      { user_id: 'u-2041', event: 'Order Completed', properties: { value: 40 } },
      { user_id: 'u-2042', event: 'Order Completed' },
      { user_id: 'u-2043', event: '' },
      { user_id: 'u-2044', event: 'Order Completed' },
    ]);
  }
  if (batch === 2)
    for (let i = 0; i < 3; i++)
      await send(
        '/v2/track',
        { user_id: 'u-2042', event: 'Order Completed', properties: { order_id: `ord_9${i}` } },
        WRONG_KEY,
      );
  if (batch === 3) {
    emulator.faults.failNext(1, 503, { retryAfter: 1 });
    await send(
      '/v2/track',
      { user_id: 'u-2045', event: 'Order Completed', properties: { value: 99 } },
      KEY,
      'b7f1c2d0-0300',
    );
    await send(
      '/v2/track',
      { user_id: 'u-2045', event: 'Order Completed', properties: { value: 99 } },
      KEY,
      'b7f1c2d0-0300',
    );
  }
}
await send('/v2/track', {
  user_id: 'u-2045',
  event: 'Upgraded',
  properties: { from: 'Startup', to: 'Enterprise' },
});
await send('/v2/track', { user_id: 'u-2043', event: 'Created Ticket', properties: { via: 'web' } });
emulator.faults.failNext(2, 503, { retryAfter: 1 });

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: CHROMIUM_ARGS,
});
const shots: [file: string, route: string, scheme: 'light' | 'dark'][] = [
  ['debugger-requests', '#/requests', 'light'],
  ['debugger-refused', '#/requests/refused', 'light'],
  [
    'debugger-request',
    `#/request/${emulator.calls.findIndex((call) => call.status === 400)}`,
    'light',
  ],
  ['debugger-user', '#/user/u-2045', 'light'],
  ['debugger-events', '#/events', 'light'],
  ['debugger-dark', '#/requests/refused', 'dark'],
];
try {
  for (const [file, route, colorScheme] of shots) {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      colorScheme,
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    await page.goto(`${server.url}/${route}`);
    await page.locator('#live[data-status=live]').waitFor();
    await page.waitForTimeout(300); // the first refresh after the feed opened
    await page.screenshot({ path: `docs/images/${file}.png` });
    console.log(`docs/images/${file}.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
