/**
 * The cookie that binds anonymous ids to one browser: its recent ids, signed with HMAC-SHA-256
 * (Web Crypto, so it runs on every runtime), HttpOnly so page scripts cannot read or copy it.
 */
import { ANONYMOUS_ID_PATTERN } from '../anonymous-id';

/** How many anonymous ids one browser keeps bound (a few `reset()`s' worth). */
const MAX_IDS = 5;
/** 400 days, the longest a browser keeps a cookie. */
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

/** Options of the binding cookie (`cookie` in the proxy's options). */
export interface BindingCookieOptions {
  /** The cookie's name. Default `zendesk_connect_anonymous`. */
  name?: string;
  /** `SameSite`. Default `Strict`: the page and the proxy are one site. `None` needs https. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** `Secure`. Default: when the request or its `Origin` is https. */
  secure?: boolean;
}

/** Reads and writes the signed binding cookie. */
export interface Binder {
  /** The ids the request's cookie binds (none when it is missing, forged or signed with another secret). */
  read(request: Request): Promise<string[]>;
  /** The `Set-Cookie` value binding `ids` (the most recent last) to the browser. */
  cookie(ids: readonly string[], request: Request): Promise<string>;
}

/** A {@link Binder} signing with `secret`. */
export function createBinder(secret: string, options: BindingCookieOptions = {}): Binder {
  const name = options.name ?? 'zendesk_connect_anonymous';
  const encoder = new TextEncoder();
  let key: Promise<CryptoKey> | undefined;
  const keyOf = () => {
    key ??= crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return key;
  };
  const signed = (ids: string) => encoder.encode(`zendesk-connect/anonymous-ids/v1:${name}:${ids}`);

  return {
    async read(request) {
      for (const value of cookieValues(request.headers.get('cookie'), name)) {
        const dot = value.lastIndexOf('.');
        const ids = value.slice(0, dot);
        const signature = fromBase64Url(value.slice(dot + 1));
        const list = ids.split('~');
        if (dot < 0 || !signature || !list.every((id) => ANONYMOUS_ID_PATTERN.test(id))) continue;
        if (await crypto.subtle.verify('HMAC', await keyOf(), signature, signed(ids))) return list;
      }
      return [];
    },
    async cookie(ids, request) {
      const list = ids.slice(-MAX_IDS).join('~');
      const signature = new Uint8Array(
        await crypto.subtle.sign('HMAC', await keyOf(), signed(list)),
      );
      const url = new URL(request.url);
      const path = url.pathname.replace(/\/[^/]*\/*$/, '') || '/';
      const secure =
        options.secure ??
        (url.protocol === 'https:' || (request.headers.get('origin') ?? '').startsWith('https:'));
      return `${name}=${list}.${toBase64Url(signature)}; Path=${path}; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=${options.sameSite ?? 'Strict'}${secure ? '; Secure' : ''}`;
    },
  };
}

function cookieValues(header: string | null, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) values.push(part.slice(at + 1).trim());
  }
  return values;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined; // 32 bytes, unpadded
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  // Only the canonical spelling: the last character's 2 spare bits must be zero.
  return toBase64Url(bytes) === text ? bytes : undefined;
}
