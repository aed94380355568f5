import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectEmulatorServer, startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectEmulator } from '../../src/testing/index';
import { launchChromium } from '../support/chromium';
import { KEY, post } from './doors';

const WRONG_KEY = 'wrong-key-0123456789abcdef';

describe('the Connect debugger in headless Chromium', () => {
  let browser: Browser;
  let server: ConnectEmulatorServer;
  let page: Page;
  const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, post(body, headers));
  /** Opens the page on a route and waits until it follows the feed. */
  const open = async (route = '', options: { eventSource?: boolean } = {}) => {
    page = await browser.newPage();
    if (options.eventSource === false)
      await page.addInitScript(() => {
        // @ts-expect-error: a browser (or a proxy in between) without server-sent events
        delete window.EventSource;
      });
    await page.goto(`${server.url}/${route}`);
    await page.locator('#live[data-status=live], #live[data-status=polling]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
  };
  const texts = (selector: string) =>
    page.$$eval(selector, (elements) => elements.map((e) => e.textContent?.trim() ?? ''));
  const cells = (selector: string) =>
    page.$$eval(selector, (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim())),
    );

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());
  afterEach(async () => {
    // Not reloaded: the page saw everything through its feed.
    expect(
      await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce),
    ).toBe(true);
    await page.close();
    await server.close();
  });

  it.each([
    ['server-sent events', true, 'Live'],
    ['polling, without EventSource', false, 'Live (polling)'],
  ])(
    'shows requests made while it is open within a second, without a reload (%s)',
    async (_, eventSource, status) => {
      server = await startConnectEmulatorServer();
      await open('', { eventSource });
      expect(await page.locator('#live').textContent()).toBe(status);
      expect(await page.title()).toBe('Requests · Connect emulator');
      await send('/v2/track/batch', [
        { user_id: 'u1', event: 'Signed Up' },
        { user_id: 'u1', event: 'Order Completed' },
      ]);
      // Within a second of the answer, like each wait below.
      await page.locator('#requests tr[data-n="0"]').waitFor({ timeout: 1_000 });
      expect(await cells('#requests tbody tr')).toMatchObject([
        [expect.any(String), 'POST', '/v2/track/batch', '200', '2', '****c5d6', 'ok'],
      ]);
      await send('/v2/identify', { user_id: 'u1' });
      await page.locator('#requests tr[data-n="1"]').waitFor({ timeout: 1_000 });
      expect(await texts('#requests tbody tr td:nth-child(3)')).toStrictEqual([
        '/v2/identify',
        '/v2/track/batch',
      ]);
      // In document order: users, then events.
      await expect
        .poll(() => texts('#n-users, #n-events'), { timeout: 1_000 })
        .toStrictEqual(['1', '2']);
    },
  );

  it('lists a 401 under Refused with what Connect said and the key masked', async () => {
    server = await startConnectEmulatorServer({
      emulator: createConnectEmulator({ apiKeys: [KEY] }),
    });
    await open();
    await send('/v2/track', { user_id: 'u1', event: 'Order Completed' });
    await send(
      '/v2/track',
      { user_id: 'u1', event: 'Order Completed' },
      { 'X-Outbound-Key': WRONG_KEY },
    );
    await page.locator('#requests tr[data-n="1"]').waitFor({ timeout: 1_000 });

    await page.getByLabel('Refused', { exact: true }).check();
    await page.waitForURL(/#\/requests\/refused$/);
    expect(await page.title()).toBe('Refused requests · Connect emulator');
    await expect
      .poll(() => cells('#requests tbody tr'))
      .toStrictEqual([
        [
          expect.any(String),
          'POST',
          '/v2/track',
          '401',
          '1',
          '****cdef',
          'X-Outbound-Key is missing or not a valid key',
        ],
      ]);
    await expect.poll(() => page.locator('#n-requests').textContent()).toBe('2 (1 refused)');
    // A refusal arriving while the filter is on shows too; an accepted request does not.
    await send('/v2/identify', { user_id: 'u1' }, { 'X-Outbound-Key': '' });
    await send('/v2/identify', { user_id: 'u1' });
    await page.locator('#requests tr[data-n="2"]').waitFor({ timeout: 1_000 });
    await expect.poll(() => page.locator('#n-requests').textContent()).toBe('4 (2 refused)');
    expect(await page.locator('#requests tr[data-n="3"]').count()).toBe(0);

    await page.click('#requests tr[data-n="1"] a');
    await page.getByRole('heading', { name: 'Connect said' }).waitFor();
    expect(await page.locator('p.said').textContent()).toBe(
      'X-Outbound-Key is missing or not a valid key',
    );
    expect(await page.content()).not.toContain(WRONG_KEY);
  });

  it('shows a merged user with attributes folded, and their events and writes in the order applied', async () => {
    server = await startConnectEmulatorServer();
    await send('/v2/track', { user_id: 'anon-1', event: 'Viewed Pricing' });
    await send('/v2/identify', {
      user_id: 'u-42',
      email: 'ann@example.com',
      attributes: { bio: 'x'.repeat(500), plan: 'Startup' },
    });
    await send('/v2/track', { user_id: 'anon-1', event: 'Started Trial' });
    await send('/v2/identify', { user_id: 'u-42', previous_id: 'anon-1' });
    await send('/v2/track', { user_id: 'anon-1', event: 'Upgraded' });
    await send('/v2/track', { user_id: 'u-42', event: 'Invited Teammate' });
    await send('/v2/apns/register', { user_id: 'u-42', token: 'apns-token-1' });
    await open('#/users');

    await page.getByLabel('Search users').fill('ann@');
    await expect.poll(() => texts('#users tbody tr td:first-child a')).toStrictEqual(['u-42']);
    await page.getByRole('link', { name: 'u-42' }).click();
    await page.getByRole('heading', { name: 'User u-42' }).waitFor();
    await expect
      .poll(() => texts('#user-events li strong'))
      .toStrictEqual(['Viewed Pricing', 'Started Trial', 'Upgraded', 'Invited Teammate']);
    expect(await texts('#user-writes li strong')).toStrictEqual([
      'track',
      'identify',
      'track',
      'alias',
      'track',
      'track',
      'register',
    ]);
    expect(await texts('#previous-ids li')).toStrictEqual(['anon-1']);
    expect(await page.locator('#profile').textContent()).toContain('ann@example.com');
    expect(await page.locator('#tokens').textContent()).toBe('APNsapns-token-1FCM–GCM–');
    // The long attribute is folded; opening it shows all of it.
    const bio = page.locator('table.attributes details');
    expect(await bio.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect((await bio.locator('summary').textContent())?.length).toBeLessThan(100);
    await bio.locator('summary').click();
    expect(await bio.locator('pre').textContent()).toBe('x'.repeat(500));

    // It stays live, and an open fold stays open.
    await send('/v2/track', { user_id: 'u-42', event: 'Churned' });
    await expect
      .poll(() => texts('#user-events li strong'), { timeout: 1_000 })
      .toContain('Churned');
    expect(await bio.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);

    // The earlier id leads to the merged user.
    await page.goto(`${server.url}/#/user/anon-1`);
    await page.getByText('anon-1 was merged into u-42 by an alias').waitFor();
    await page.evaluate(() => {
      (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
  });

  it('arms a fault from the page, and the next request fails with it', async () => {
    server = await startConnectEmulatorServer();
    await open();
    const fail = page.getByRole('group', { name: 'Fail requests' });
    await fail.getByLabel('Requests').fill('1');
    await fail.getByLabel('Status').selectOption('429');
    await fail.getByLabel('Retry-After (s)').fill('2');
    await fail.getByRole('button', { name: 'Fail next' }).click();
    await expect.poll(() => texts('#armed li')).toStrictEqual(['the next request fails with 429']);

    const failed = await send('/v2/track', { user_id: 'u1', event: 'e' });
    expect(failed.status).toBe(429);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect((await send('/v2/track', { user_id: 'u1', event: 'e' })).status).toBe(200);
    await page.locator('#requests tr[data-n="1"]').waitFor({ timeout: 1_000 });
    expect((await cells('#requests tr[data-n="0"]'))[0]?.slice(3)).toStrictEqual([
      '429',
      '1',
      '****c5d6',
      'injected failure (429)',
    ]);
    await expect
      .poll(() => texts('#armed li'))
      .toStrictEqual(['Nothing: every request is answered normally.']);

    // A bad value is refused with the control's reason, and arms nothing.
    const delay = page.getByRole('group', { name: 'Delay requests' });
    await delay.getByLabel('Milliseconds').fill('700000');
    await delay.getByRole('button', { name: 'Delay next' }).click();
    await expect
      .poll(() => page.locator('#control-said').textContent())
      .toBe('ms must be a whole number from 0 to 600000');
    expect(await texts('#armed li')).toStrictEqual([
      'Nothing: every request is answered normally.',
    ]);

    await page.getByRole('group', { name: 'Drop connections' }).getByRole('button').click();
    await expect.poll(() => texts('#armed li')).toStrictEqual(['the next request is dropped']);
    await expect(send('/v2/track', { user_id: 'u1', event: 'e' })).rejects.toThrow();
    await page.locator('#requests tr[data-n="2"]').waitFor({ timeout: 1_000 });
    expect(await page.locator('#requests tr[data-n="2"] td.said').textContent()).toBe(
      'the connection was dropped',
    );

    await fail.getByLabel('Requests').fill('2');
    await fail.getByLabel('Status').selectOption('500');
    await fail.getByLabel('Retry-After (s)').fill('');
    await fail.getByLabel('Every Nth request instead, until cleared').check();
    await fail.getByRole('button', { name: 'Fail next' }).click();
    await expect.poll(() => texts('#armed li')).toStrictEqual(['every 2nd request fails with 500']);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await send('/v2/track', { user_id: 'u1', event: 'e' })).status);
    expect(statuses).toStrictEqual([200, 500, 200, 500]);
    await page.getByRole('button', { name: 'Clear faults' }).click();
    await expect
      .poll(() => texts('#armed li'))
      .toStrictEqual(['Nothing: every request is answered normally.']);

    await page.getByRole('button', { name: 'Reset emulator' }).click();
    await expect.poll(() => page.locator('#requests tbody tr').count()).toBe(0);
    expect(server.emulator.calls).toHaveLength(0);
  });

  it('pages events by name instead of capping them, with a timeline', async () => {
    server = await startConnectEmulatorServer();
    for (let batch = 0; batch < 3; batch++)
      await send(
        '/v2/track/batch',
        Array.from({ length: 40 }, (_, i) => ({
          user_id: `u${i % 3}`,
          event: i % 4 === 0 ? 'Rare' : 'Common',
          properties: { i: batch * 40 + i },
        })),
      );
    await open('#/events');
    await expect
      .poll(() => cells('#event-counts tbody tr'))
      .toMatchObject([
        ['Common', '90', expect.any(String)],
        ['Rare', '30', expect.any(String)],
      ]);
    expect(await page.locator('#events tbody tr').count()).toBe(50);
    expect(await page.locator('.pager span').textContent()).toBe(' 1–50 of 120 ');
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.locator('.pager span').textContent()).toBe(' 51–100 of 120 ');
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.locator('#events tbody tr').count()).toBe(20);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    expect(await page.locator('.timeline figcaption').textContent()).toMatch(
      /^Timeline: 120 events, per /,
    );

    await page.getByRole('link', { name: 'Rare' }).click();
    await expect.poll(() => page.locator('#events tbody tr').count()).toBe(30);
    expect(new Set(await texts('#events tbody td:nth-child(3)'))).toStrictEqual(new Set(['Rare']));
  });

  it('renders what it received as text, never as markup', async () => {
    server = await startConnectEmulatorServer();
    const evil = '<img src=x onerror="window.owned=1">';
    await send('/v2/identify', { user_id: evil, first_name: evil });
    await send('/v2/track', { user_id: evil, event: evil, properties: { [evil]: evil } });
    for (const route of [
      '#/users',
      `#/user/${encodeURIComponent(evil)}`,
      '#/events',
      '#/request/1',
    ]) {
      await open(route);
      await page.locator('main').getByText('onerror=').first().waitFor();
      expect(
        await page.evaluate(() => (window as unknown as { owned?: number }).owned),
      ).toBeUndefined();
      expect(await page.locator('main img').count()).toBe(0);
      if (route !== '#/request/1') await page.close();
    }
  });

  it('can be used from the keyboard alone, with labelled controls, in light and dark', async () => {
    server = await startConnectEmulatorServer();
    await open();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the view');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#/users');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/users$/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Users');
    expect(await page.locator('nav a[aria-current=page]').getAttribute('href')).toBe('#/users');
    expect(await texts('h1')).toStrictEqual(['Connect emulator']);
    expect(
      await page.$$eval('input, select', (fields) =>
        fields.filter((f) => (f as HTMLInputElement).labels?.length === 0).map((f) => f.outerHTML),
      ),
    ).toStrictEqual([]);

    // A live update does not take the focus away: from the search box, Tab to a user's link…
    const focusedHref = () => page.evaluate(() => document.activeElement?.getAttribute('href'));
    await send('/v2/identify', { user_id: 'u1' });
    await page.locator('#users a[href="#/user/u1"]').waitFor({ timeout: 1_000 });
    await page.getByLabel('Search users').focus();
    await page.keyboard.press('Tab');
    expect(await focusedHref()).toBe('#/user/u1');
    // …and while new users arrive above it, it keeps the focus.
    await send('/v2/identify', { user_id: 'u2' });
    await expect.poll(() => page.locator('#users tbody tr').count(), { timeout: 1_000 }).toBe(2);
    expect(await focusedHref()).toBe('#/user/u1');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'User u1' }).waitFor();

    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(20, 24, 31)');
  });
});
