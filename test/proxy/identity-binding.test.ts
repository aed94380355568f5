/**
 * The signed binding cookie (src/proxy/binding.ts) on its own: what it holds after each change,
 * its attributes word for word, and every cookie it must not believe (forged, re-signed, another
 * secret, another name, a non-canonical signature), read from the request's Cookie header.
 */
import { describe, expect, it } from 'vitest';
import { type BindingCookieOptions, createBinder } from '../../src/proxy/binding';

const SECRET = 'binding-secret-0123456789abcdef-0123456789';
const URL_ = 'https://app.example.com/api/connect/v1/batch';
const A = 'anon-a';
const B = 'anon-b';
const IDS = [A, B];
const COOKIE =
  /^zendesk_connect_anonymous=([A-Za-z0-9_~:-]+)\.([A-Za-z0-9_-]{43}); Path=\/api\/connect\/v1; Max-Age=34560000; HttpOnly; SameSite=Strict; Secure$/;

const request = (cookie?: string, url = URL_, headers: Record<string, string> = {}) =>
  new Request(url, { method: 'POST', headers: { ...headers, ...(cookie ? { cookie } : {}) } });

/** The `name=value` part of a Set-Cookie. */
const pair = (setCookie: string | undefined) => setCookie?.split(';')[0] ?? '';

async function boundCookie(ids: string[] = [A], options: BindingCookieOptions = {}) {
  const binding = await createBinder(SECRET, options).open(request(), IDS, undefined);
  for (const id of ids) binding.claim(id);
  return (await binding.cookie()) as string;
}

describe('the binding cookie', () => {
  it('is unchanged, and not set, until something is claimed or aliased', async () => {
    const binding = await createBinder(SECRET).open(request(), IDS, 'u1');
    expect([binding.holds(A), binding.holds(B)]).toStrictEqual(['unbound', 'unbound']);
    expect(await binding.cookie()).toBeUndefined();
  });

  it('holds a claimed id, signed, with its attributes', async () => {
    const setCookie = await boundCookie();
    const [, list] = COOKIE.exec(setCookie) ?? [];
    expect(list).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const reopened = await createBinder(SECRET).open(request(pair(setCookie)), IDS, undefined);
    expect([reopened.holds(A), reopened.holds(B)]).toStrictEqual(['bound', 'unbound']);
    // Claiming what it holds changes nothing.
    reopened.claim(A);
    expect(await reopened.cookie()).toBeUndefined();
    reopened.claim(B);
    const both = await reopened.cookie();
    expect(COOKIE.exec(both as string)?.[1]).toMatch(/^[A-Za-z0-9_-]{22}~[A-Za-z0-9_-]{22}$/);
  });

  it('names no id in clear, and tags an id the same way each time', async () => {
    const first = await boundCookie();
    expect(first).not.toContain(A);
    expect(COOKIE.exec(first)?.[1]).toBe(COOKIE.exec(await boundCookie())?.[1]);
    expect(COOKIE.exec(first)?.[1]).not.toBe(COOKIE.exec(await boundCookie([B]))?.[1]);
  });

  it('an alias locks the id to the signed-in user', async () => {
    const binding = await createBinder(SECRET).open(request(), IDS, 'u1');
    binding.alias(A);
    expect(binding.holds(A)).toBe('aliased_to_user');
    const setCookie = await binding.cookie();
    expect(COOKIE.exec(setCookie as string)?.[1]).toMatch(/^[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{22}$/);
    const asUser = await createBinder(SECRET).open(request(pair(setCookie)), IDS, 'u1');
    expect(asUser.holds(A)).toBe('aliased_to_user');
    const asOther = await createBinder(SECRET).open(request(pair(setCookie)), IDS, 'u2');
    expect(asOther.holds(A)).toBe('aliased_to_other');
    const asVisitor = await createBinder(SECRET).open(request(pair(setCookie)), IDS, undefined);
    expect(asVisitor.holds(A)).toBe('aliased_to_other');
    // A number and its text are one user.
    const asNumber = await createBinder(SECRET).open(request(pair(setCookie)), IDS, 'u1');
    expect(asNumber.holds(A)).toBe('aliased_to_user');
  });

  it('an alias needs a signed-in user, and every id must be among those opened', async () => {
    const binding = await createBinder(SECRET).open(request(), IDS, undefined);
    expect(() => binding.alias(A)).toThrow('binding: an alias needs a signed-in user');
    expect(() => binding.claim('anon-c')).toThrow('binding: anon-c was not among the opened ids');
    binding.claim(A);
    expect(() => binding.holds('anon-c')).toThrow('binding: anon-c was not among the opened ids');
  });

  it('keeps ten ids, dropping the oldest plain ones first, never an aliased one', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `anon-${i}`);
    const binder = createBinder(SECRET);
    const binding = await binder.open(request(), ids, 'u1');
    binding.claim('anon-0');
    binding.alias('anon-1');
    for (const id of ids.slice(2)) binding.claim(id);
    const setCookie = await binding.cookie();
    expect(COOKIE.exec(setCookie as string)?.[1]?.split('~')).toHaveLength(10);
    const reopened = await binder.open(request(pair(setCookie)), ids, 'u1');
    expect(ids.map((id) => reopened.holds(id))).toStrictEqual([
      'unbound',
      'aliased_to_user',
      'unbound',
      ...Array.from({ length: 9 }, () => 'bound'),
    ]);
  });

  it('keeps only aliased ids when all are: the oldest goes', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `anon-${i}`);
    const binding = await createBinder(SECRET).open(request(), ids, 'u1');
    for (const id of ids) binding.alias(id);
    const setCookie = await binding.cookie();
    const reopened = await createBinder(SECRET).open(request(pair(setCookie)), ids, 'u1');
    expect(ids.map((id) => reopened.holds(id))).toStrictEqual([
      'unbound',
      ...Array.from({ length: 10 }, () => 'aliased_to_user'),
    ]);
  });

  it('re-claiming or re-aliasing an id moves it to the most recent end', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `anon-${i}`);
    const binder = createBinder(SECRET);
    const first = await binder.open(request(), ids, 'u1');
    for (const id of ids.slice(0, 10)) first.claim(id);
    first.alias('anon-0');
    const cookie = pair(await first.cookie());
    const second = await binder.open(request(cookie), ids, 'u1');
    second.claim('anon-10');
    const reopened = await binder.open(request(pair(await second.cookie())), ids, 'u1');
    // anon-0 was aliased last: the oldest plain one, anon-1, went.
    expect(reopened.holds('anon-0')).toBe('aliased_to_user');
    expect(reopened.holds('anon-1')).toBe('unbound');
    expect(reopened.holds('anon-10')).toBe('bound');
  });
});

describe('the binding cookie’s attributes', () => {
  it('Path is the proxy’s directory, encoded; / at the root', async () => {
    const pathOf = async (url: string) => {
      const binding = await createBinder(SECRET).open(request(undefined, url), IDS, undefined);
      binding.claim(A);
      return /; Path=([^;]*);/.exec((await binding.cookie()) as string)?.[1];
    };
    expect(await pathOf('https://x.test/batch')).toBe('/');
    expect(await pathOf('https://x.test/')).toBe('/');
    expect(await pathOf('https://x.test/a/b/')).toBe('/a');
    expect(await pathOf('https://x.test/a/b//')).toBe('/a');
    expect(await pathOf("https://x.test/p;q,r'(s)/t%20u/batch")).toBe("/p%3Bq%2Cr'(s)/t%20u");
    expect(await pathOf('https://x.test/a"b/batch')).toBe('/a%22b');
  });

  it('Secure when the request or its Origin is https, or as told', async () => {
    const attributes = async (url: string, headers: Record<string, string>, secure?: boolean) => {
      const binder = createBinder(SECRET, secure === undefined ? {} : { secure });
      const binding = await binder.open(request(undefined, url, headers), IDS, undefined);
      binding.claim(A);
      return (await binding.cookie())?.split('; ').slice(1).join('; ');
    };
    const plain = 'Path=/; Max-Age=34560000; HttpOnly; SameSite=Strict';
    expect(await attributes('http://x.test/batch', {})).toBe(plain);
    expect(await attributes('http://x.test/batch', { origin: 'http://x.test' })).toBe(plain);
    expect(await attributes('http://x.test/batch', { origin: 'https://x.test' })).toBe(
      `${plain}; Secure`,
    );
    expect(await attributes('https://x.test/batch', {})).toBe(`${plain}; Secure`);
    expect(await attributes('https://x.test/batch', {}, false)).toBe(plain);
    expect(await attributes('http://x.test/batch', {}, true)).toBe(`${plain}; Secure`);
  });

  it('takes its name and SameSite from the options', async () => {
    const setCookie = await boundCookie([A], { name: 'binding', sameSite: 'Lax' });
    expect(setCookie).toMatch(
      /^binding=[^;]+; Path=\/api\/connect\/v1; Max-Age=34560000; HttpOnly; SameSite=Lax; Secure$/,
    );
    const reopened = await createBinder(SECRET, { name: 'binding' }).open(
      request(pair(setCookie)),
      IDS,
      undefined,
    );
    expect(reopened.holds(A)).toBe('bound');
    // The name is signed: the same value under the default name is not believed.
    const renamed = pair(setCookie).replace(/^binding=/, 'zendesk_connect_anonymous=');
    const other = await createBinder(SECRET).open(request(renamed), IDS, undefined);
    expect(other.holds(A)).toBe('unbound');
  });
});

describe('cookies the binder does not believe', () => {
  const holdsA = async (cookie: string, secret = SECRET) =>
    (await createBinder(secret).open(request(cookie), IDS, undefined)).holds(A);

  it('believes its own, among other cookies, with spaces around', async () => {
    const own = pair(await boundCookie());
    expect(await holdsA(own)).toBe('bound');
    expect(await holdsA(`theme=dark; ${own} ; other=1`)).toBe('bound');
    expect(await holdsA(`  ${own.replace('=', ' =')}`)).toBe('bound');
  });

  it('skips a forged one and reads the next of the same name', async () => {
    const own = pair(await boundCookie());
    const value = own.slice(own.indexOf('=') + 1);
    const forged = `zendesk_connect_anonymous=${'A'.repeat(22)}.${value.split('.')[1]}`;
    expect(await holdsA(`${forged}; ${own}`)).toBe('bound');
    expect(await holdsA(`zendesk_connect_anonymous=nodot; ${own}`)).toBe('bound');
    expect(await holdsA(`zendesk_connect_anonymous=bad entry.${'A'.repeat(43)}; ${own}`)).toBe(
      'bound',
    );
    expect(await holdsA(`=${value}; ${own}`)).toBe('bound');
  });

  it('refuses one signed with another secret, tampered, re-signed or non-canonical', async () => {
    const own = pair(await boundCookie());
    expect(await holdsA(own, `${SECRET}-other`)).toBe('unbound');
    const [list, signature] = own.slice(own.indexOf('=') + 1).split('.') as [string, string];
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    expect(await holdsA(`zendesk_connect_anonymous=${list}.${flip(signature, 0)}`)).toBe('unbound');
    expect(await holdsA(`zendesk_connect_anonymous=${flip(list, 0)}.${signature}`)).toBe('unbound');
    expect(await holdsA(`zendesk_connect_anonymous=${list}.${signature}A`)).toBe('unbound');
    expect(await holdsA(`zendesk_connect_anonymous=${list}.${signature.slice(1)}`)).toBe('unbound');
    expect(await holdsA(`zendesk_connect_anonymous=${list}~.${signature}`)).toBe('unbound');
    expect(await holdsA(`zendesk_connect_anonymous=${list}:${list}:${list}.${signature}`)).toBe(
      'unbound',
    );
    // The last character carries 2 spare bits: only the spelling with them zero is believed.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = alphabet[alphabet.indexOf(last) + 1] as string;
    expect(
      await holdsA(`zendesk_connect_anonymous=${list}.${signature.slice(0, -1)}${spare}`),
    ).toBe('unbound');
    expect(await holdsA('zendesk_connect_anonymous=')).toBe('unbound');
    expect(await holdsA('')).toBe('unbound');
  });
});

describe('the binding cookie’s format (cookies issued by earlier deploys stay valid)', () => {
  const encoder = new TextEncoder();
  const hmac = async (text: string) => {
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  };
  const base64Url = (bytes: Uint8Array) =>
    Buffer.from(bytes)
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const tag = async (kind: string, id: string) =>
    base64Url((await hmac(`zendesk-connect/${kind}:${id}`)).slice(0, 16));

  it('is `name=tag[:owner]~….signature`, each tag 16 bytes of HMAC-SHA-256, base64url', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `anon-${i}`);
    const binding = await createBinder(SECRET).open(request(), ids, 'u1');
    for (const id of ids.slice(1)) binding.claim(id);
    binding.alias('anon-0');
    const tags = await Promise.all(ids.map((id) => tag('anonymous-id', id)));
    const owner = await tag('user', 'u1');
    const list = [...tags.slice(1), `${tags[0]}:${owner}`].join('~');
    const signature = base64Url(
      await hmac(`zendesk-connect/anonymous-ids/v2:zendesk_connect_anonymous:${list}`),
    );
    // Some of these carry the two characters base64url replaces.
    expect(`${list}${signature}`).toMatch(/[-_]/);
    expect(await binding.cookie()).toBe(
      `zendesk_connect_anonymous=${list}.${signature}; Path=/api/connect/v1; Max-Age=34560000; HttpOnly; SameSite=Strict; Secure`,
    );
  });

  it('does not believe a signed list with a malformed entry', async () => {
    const list = `${await tag('anonymous-id', A)}~not-a-tag`;
    const signature = base64Url(
      await hmac(`zendesk-connect/anonymous-ids/v2:zendesk_connect_anonymous:${list}`),
    );
    const binding = await createBinder(SECRET).open(
      request(`zendesk_connect_anonymous=${list}.${signature}`),
      IDS,
      undefined,
    );
    expect(binding.holds(A)).toBe('unbound');
  });

  it('does not believe a copy of the cookie under another name', async () => {
    const own = pair(await boundCookie());
    const value = own.slice(own.indexOf('=') + 1);
    const binding = await createBinder(SECRET).open(request(`copy=${value}`), IDS, undefined);
    expect(binding.holds(A)).toBe('unbound');
  });

  it('believes a cookie made by hand in that format', async () => {
    const list = `${await tag('anonymous-id', A)}:${await tag('user', '42')}`;
    const signature = base64Url(await hmac(`zendesk-connect/anonymous-ids/v2:named:${list}`));
    const binder = createBinder(SECRET, { name: 'named' });
    const asNumber = await binder.open(request(`named=${list}.${signature}`), IDS, 42);
    expect(asNumber.holds(A)).toBe('aliased_to_user');
    expect(asNumber.holds(B)).toBe('unbound');
  });
});
