import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectEmulatorServer, startConnectEmulatorServer } from '../../src/node/testing';
import { launchChromium } from '../support/chromium';
import { post } from './doors';

describe('the events page in headless Chromium', () => {
  let browser: Browser;
  let server: ConnectEmulatorServer;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startConnectEmulatorServer()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  it('lists the users, the event names and their counts', async () => {
    const send = (path: string, body: unknown) => fetch(`${server.url}${path}`, post(body));
    await send('/v2/identify', {
      user_id: '019mr8mf4r',
      first_name: 'Michael',
      last_name: 'Bolton',
      email: 'mbolton@example.com',
    });
    await send('/v2/identify', { user_id: 'anon-<script>', attributes: { plan: 'trial' } });
    await send('/v2/track/batch', [
      { user_id: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } },
      { user_id: '019mr8mf4r', event: 'Order Completed' },
      { user_id: '019mr8mf4r', event: 'Order Completed' },
      { user_id: 'anon-<script>', event: 'Order Completed' },
    ]);

    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.title()).toBe('Connect emulator: events');
    const counts = await page.$$eval('#event-counts tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
    );
    expect(counts).toStrictEqual([
      ['Order Completed', '3'],
      ['Signed Up', '1'],
    ]);
    const users = await page.$$eval('#users tbody tr', (rows) =>
      rows.map((row) =>
        [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent),
      ),
    );
    expect(users).toStrictEqual([
      ['019mr8mf4r', 'Michael Bolton', 'mbolton@example.com'],
      ['anon-<script>', '', ''],
    ]);
    expect(await page.locator('script').count()).toBe(0);
    await page.close();
  });
});
