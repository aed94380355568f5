import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { type PageApp, startPageApp } from './page-server';

declare const connect: import('../../src/browser/index').BrowserClient;
declare const sent: { url: string; keepalive: boolean }[];
declare const failures: { status: number | undefined; error: unknown }[];

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the browser client in headless Chromium, through the proxy, into Connect', () => {
  let browser: Browser;
  let app: PageApp;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startPageApp()]);
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForFunction(() => typeof (window as { connect?: unknown }).connect === 'object');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), app?.close()]);
  });

  it('goes anonymous identify → sign-in → identify → alias → track through the guarding proxy, ending with one merged user holding the events', async () => {
    const anonymousId = await page.evaluate(async () => {
      const id = connect.anonymousId();
      connect.identify({ traits: { plan: 'trial' } });
      connect.track('Viewed Pricing', { plan: 'Startup' });
      await connect.flush();
      await fetch('/login?user=019mr8mf4r'); // the app signs the user in (a session cookie)
      await connect.identify('019mr8mf4r', {
        name: 'Michael Bolton',
        email: 'mbolton@example.com',
      });
      await connect.alias('019mr8mf4r');
      await connect.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });
      return id;
    });
    expect(anonymousId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect([...app.emulator.users.keys()]).toStrictEqual(['019mr8mf4r']);
    const user = app.emulator.users.get('019mr8mf4r');
    expect(user).toMatchObject({
      first_name: 'Michael',
      last_name: 'Bolton',
      email: 'mbolton@example.com',
      previous_ids: [anonymousId],
      attributes: { plan: 'trial', name: 'Michael Bolton' },
    });
    expect(app.emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      ['019mr8mf4r', 'Viewed Pricing'],
      ['019mr8mf4r', 'Signed Up'],
    ]);
    // Stamped in the page: its timezone, and the library.
    const identify = app.emulator.calls.find((call) =>
      JSON.stringify(call.body).includes('"first_name":"Michael"'),
    );
    expect(identify).toBeDefined();
    expect(await page.evaluate(() => localStorage.getItem('zendesk_connect.user_id'))).toBe(
      '"019mr8mf4r"',
    );
    // The binding cookie is HttpOnly: the page's scripts cannot read or copy it.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'zendesk_connect_anonymous')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/connect',
    });
    expect(await page.evaluate(() => document.cookie)).not.toContain('zendesk_connect_anonymous');
  });

  it('delivers what was queued when the page goes away, with keepalive', async () => {
    await page.goto(`${app.url}/?linger=600000`);
    await page.waitForFunction(() => typeof (window as { connect?: unknown }).connect === 'object');
    await page.evaluate(() => {
      connect.track('Left Page', { at: 'pricing' });
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.emulator.events.some((e) => e.event === 'Left Page')).toBe(false);
    await page.goto(`${app.url}/other`);
    await until(
      () => app.emulator.events.some((e) => e.event === 'Left Page'),
      'the event sent on pagehide',
    );
    expect(app.emulator.events.at(-1)).toMatchObject({
      user_id: '019mr8mf4r',
      event: 'Left Page',
      properties: { at: 'pricing' },
    });
  });

  it('sends with keepalive on visibilitychange to hidden, in chunks under the keepalive budget', async () => {
    await page.goto(`${app.url}/?linger=600000`);
    await page.waitForFunction(() => typeof (window as { connect?: unknown }).connect === 'object');
    const before = app.emulator.events.length;
    const requests = await page.evaluate(async () => {
      sent.length = 0;
      const text = 'x'.repeat(20_000);
      for (let i = 0; i < 5; i++) connect.track('Big', { i, text });
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('visibilitychange'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return sent.slice();
    });
    await until(() => app.emulator.events.length === before + 5, 'five big events');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => r.keepalive).length).toBeGreaterThanOrEqual(1);
    expect(requests.every((r) => r.url.endsWith('/api/connect/batch'))).toBe(true);
  });

  it('reset() forgets the user and starts a new anonymous one', async () => {
    const [before, after, userAfter] = await page.evaluate(async () => {
      const first = connect.anonymousId();
      connect.reset();
      const second = connect.anonymousId();
      const identified = connect.identify({ traits: { plan: 'free' } });
      await connect.flush();
      await identified;
      return [first, second, connect.userId() ?? null];
    });
    expect(after).not.toBe(before);
    expect(userAfter).toBeNull();
    expect(app.emulator.users.get(after)).toMatchObject({
      user_id: after,
      attributes: { plan: 'free' },
    });
  });

  it("refuses another browser using this browser's anonymous id; that page moves to an id of its own", async () => {
    await page.goto(`${app.url}/`);
    await page.waitForFunction(() => typeof (window as { connect?: unknown }).connect === 'object');
    const victimId = await page.evaluate(async () => {
      connect.reset();
      await connect.identify({ traits: { plan: 'victim' } }); // binds the new id to this browser
      return connect.anonymousId();
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the bind window
    const calls = app.emulator.calls.length;
    const stranger = await browser.newContext(); // another browser: its own cookies and storage
    try {
      const other = await stranger.newPage();
      await other.goto(`${app.url}/`);
      await other.waitForFunction(
        () => typeof (window as { connect?: unknown }).connect === 'object',
      );
      const seen = await other.evaluate(async (id) => {
        localStorage.setItem('zendesk_connect.anonymous_id', id); // stolen from the victim
        connect.identify({ traits: { email: 'mallory@evil.io' } });
        const report = await connect.flush();
        return { report, failures: failures.slice(), after: connect.anonymousId() };
      }, victimId);
      // Refused (403 anonymous_id_not_bound), the page starts its own id and sends it again.
      expect(seen.report).toStrictEqual({ delivered: 1, failed: 0, dropped: 0 });
      expect(seen.failures).toStrictEqual([]);
      expect(seen.after).not.toBe(victimId);
      expect(app.emulator.calls.slice(calls).map((call) => call.body)).toMatchObject([
        { user_id: seen.after, email: 'mallory@evil.io' },
      ]);
    } finally {
      await stranger.close();
    }
    expect(app.emulator.users.get(victimId)?.attributes).toStrictEqual({ plan: 'victim' });
    expect(app.emulator.users.get(victimId)?.email).toBeUndefined();
    // The victim's own browser still may, after the window.
    expect(
      await page.evaluate(async () => {
        await connect.track('Still Mine');
        return failures.length;
      }),
    ).toBe(0);
  });

  it('a sign-out in one tab is seen by the other tab', async () => {
    const tab = await context.newPage();
    try {
      await tab.goto(`${app.url}/`);
      await tab.waitForFunction(
        () => typeof (window as { connect?: unknown }).connect === 'object',
      );
      await page.evaluate(() => connect.identify('019mr8mf4r', { plan: 'pro' }));
      expect(await tab.evaluate(() => connect.userId())).toBe('019mr8mf4r');
      await tab.evaluate(() => connect.reset());
      // Chromium shares localStorage between tabs, but another renderer sees a write a moment
      // later: wait for it (never longer than 5 s), then read as a page would.
      await page.waitForFunction(() => connect.userId() === undefined, undefined, {
        timeout: 5_000,
      });
      const [user, anonymousId, otherAnonymousId] = await page
        .evaluate(async () => {
          const identified = [connect.userId() ?? null, connect.anonymousId()] as const;
          await connect.track('After Sign-out');
          return identified;
        })
        .then(async ([u, a]) => [u, a, await tab.evaluate(() => connect.anonymousId())]);
      expect(user).toBeNull();
      expect(anonymousId).toBe(otherAnonymousId);
      expect(app.emulator.events.at(-1)).toMatchObject({
        user_id: anonymousId,
        event: 'After Sign-out',
      });
    } finally {
      await tab.close();
    }
  });
});
