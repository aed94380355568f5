/**
 * The analytics.js a team already has, in headless Chromium: the real @segment/analytics-next
 * (pinned), pointed at the proxy with `apiHost` and `protocol`, its settings given locally. Its
 * calls reach the emulator mapped as `ConnectClient` maps them, and the page contacts nothing
 * but the app's own loopback origin.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { expectMappedAsClient, expectSameAsClient } from '../support/tracking-api';
import { type AnalyticsJsApp, startAnalyticsJsApp } from './analytics-js-server';

declare const analytics: import('@segment/analytics-next').Analytics;

const USER = '019mr8mf4r';
const HOUR = 60 * 60_000;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('analytics.js (@segment/analytics-next 1.84.3) in headless Chromium, through the proxy', () => {
  let browser: Browser;
  let app: AnalyticsJsApp;
  let context: BrowserContext;
  /** Every request the page made, and those that left the app's origin (aborted). */
  let requests: string[];
  let elsewhere: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all([context?.close(), app?.close()]);
  });

  async function open(query: string, options: { clockAhead?: number } = {}): Promise<Page> {
    app = await startAnalyticsJsApp(['wk-production', 'wk-development']);
    context = await browser.newContext();
    requests = [];
    elsewhere = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url.startsWith(`${app.url}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    if (options.clockAhead) await page.clock.install({ time: Date.now() + options.clockAhead });
    await page.goto(`${app.url}/${query}`);
    await page.waitForFunction(
      () => typeof (window as { analytics?: unknown }).analytics === 'object',
    );
    return page;
  }

  /** The seed's journey: a visitor, then sign-up (alias), then the user; and a page view. */
  async function journey(page: Page): Promise<string> {
    return page.evaluate(async (user) => {
      const anonymousId = analytics.user().anonymousId() as string;
      await analytics.identify({ plan: 'trial' });
      await analytics.track('Viewed Pricing', { plan: 'Startup' });
      await fetch(`/login?user=${user}`); // the app signs the user in (a session cookie)
      await analytics.alias(user);
      await analytics.identify(user, { name: 'Michael Bolton', email: 'mbolton@example.com' });
      await analytics.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });
      await analytics.page('Welcome');
      return anonymousId;
    }, USER);
  }

  function expectMergedUser(anonymousId: string): void {
    const emulator = app.emulators['wk-production'];
    if (!emulator) throw new Error('no production emulator');
    expect([...emulator.users.keys()]).toStrictEqual([USER]);
    expect(emulator.users.get(USER)).toMatchObject({
      first_name: 'Michael',
      last_name: 'Bolton',
      email: 'mbolton@example.com',
      previous_ids: [anonymousId],
      attributes: { plan: 'trial', name: 'Michael Bolton' },
    });
    expect(emulator.events.map((e) => [e.user_id, e.event, e.properties])).toStrictEqual([
      [USER, 'Viewed Pricing', { plan: 'Startup' }],
      [USER, 'Signed Up', { plan: 'Startup', source: 'Analytics Academy' }],
    ]);
    expect(app.emulators['wk-development']?.calls).toStrictEqual([]);
  }

  /** Nothing but the app's own origin was contacted: no CDN, no Segment API, no telemetry. */
  function expectOnlyLoopback(): void {
    expect(elsewhere).toStrictEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(new URL(url).origin).toBe(app.url);
  }

  it('standard mode: identify → track → alias → identify → track → page, one text/plain request each, ending with the merged user', async () => {
    const page = await open('');
    const anonymousId = await journey(page);
    // analytics.js's ids: random UUID v4s.
    expect(anonymousId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(app.log.map((r) => [r.path, r.status])).toStrictEqual(
      ['i', 't', 'a', 'i', 't', 'p'].map((letter) => [`/api/connect/${letter}`, 200]),
    );
    for (const request of app.log) {
      expect(request.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(request.headers.get('authorization')).toBe(`Basic ${btoa('wk-production:')}`);
    }
    expectMergedUser(anonymousId);
    const emulator = app.emulators['wk-production'] as NonNullable<
      AnalyticsJsApp['emulators'][string]
    >;
    expectMappedAsClient(emulator, app.log);
    await expectSameAsClient(emulator, app.log);
    expectOnlyLoopback();
  });

  it('batching mode: the same calls in one request to …/b, ending the same', async () => {
    const page = await open('?mode=batching');
    const anonymousId = await journey(page);
    await until(() => app.log.length > 0, 'the batch');
    expect(app.log.map((r) => [r.path, r.status])).toStrictEqual([['/api/connect/b', 200]]);
    const body = app.log[0]?.body as { batch: { type: string }[]; writeKey: string };
    expect(body.batch.map((m) => m.type)).toStrictEqual([
      'identify',
      'track',
      'alias',
      'identify',
      'track',
      'page',
    ]);
    expect(body.writeKey).toBe('wk-production');
    expectMergedUser(anonymousId);
    const emulator = app.emulators['wk-production'] as NonNullable<
      AnalyticsJsApp['emulators'][string]
    >;
    expectMappedAsClient(emulator, app.log);
    await expectSameAsClient(emulator, app.log);
    expectOnlyLoopback();
  });

  it('a page whose clock runs an hour fast: the stored track timestamps are on the server’s clock', async () => {
    const page = await open('', { clockAhead: HOUR });
    const before = Date.now();
    await page.evaluate(() => analytics.track('Skewed'));
    const after = Date.now();
    const [request] = app.log;
    const sent = request?.body as { timestamp: string; sentAt: string };
    // The page stamped its own (wrong) time…
    expect(Date.parse(sent.timestamp)).toBeGreaterThan(before + HOUR - 60_000);
    // …and Connect got the server's.
    const stored = (app.emulators['wk-production']?.events[0]?.timestamp ?? 0) * 1000;
    expect(stored).toBeGreaterThanOrEqual(before - 1_000);
    expect(stored).toBeLessThanOrEqual(after);
    expectOnlyLoopback();
  });

  it('another source’s write key reaches its own environment; an unknown one is refused and reaches none', async () => {
    let page = await open('?writeKey=wk-development');
    await page.evaluate(() => analytics.track('In Development'));
    expect(app.emulators['wk-development']?.events.map((e) => e.event)).toStrictEqual([
      'In Development',
    ]);
    expect(app.emulators['wk-production']?.calls).toStrictEqual([]);
    await Promise.all([context.close(), app.close()]);

    page = await open('?writeKey=wk-unknown');
    await page.evaluate(() => analytics.track('Nowhere'));
    expect(app.log.map((r) => [r.path, r.status])).toStrictEqual([['/api/connect/t', 401]]);
    for (const emulator of Object.values(app.emulators)) expect(emulator.calls).toStrictEqual([]);
    expectOnlyLoopback();
  });
});
