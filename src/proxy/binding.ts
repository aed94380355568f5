/**
 * The cookie that binds anonymous ids to one browser, signed with HMAC-SHA-256 (Web Crypto, so it
 * runs on every runtime), HttpOnly so page scripts cannot read or copy it. It names no id in
 * clear: each entry is a keyed hash (a tag) of an anonymous id, and, once the id was aliased into
 * a user through the proxy, a tag of that user's id too. Whoever reads the cookie (devtools on a
 * shared computer) learns neither the ids nor who signed in.
 */
import type { Id } from '../leaf/values';

/** How many anonymous ids one browser keeps (a few `reset()`s' worth); aliased ones are kept first. */
const MAX_ENTRIES = 10;
/** 400 days, the longest a browser keeps a cookie. */
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
/** A tag: 16 bytes of HMAC-SHA-256, base64url. */
const TAG = '[A-Za-z0-9_-]{22}';
const ENTRY = new RegExp(`^(${TAG})(?::(${TAG}))?$`);

/** Options of the binding cookie (`cookie` in the proxy's options). */
export interface BindingCookieOptions {
  /** The cookie's name. Default `zendesk_connect_anonymous`. */
  name?: string;
  /** `SameSite`. Default `Strict`: the page and the proxy are one site. `None` needs https. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** `Secure`. Default: when the request or its `Origin` is https. */
  secure?: boolean;
}

/**
 * How a browser holds an anonymous id: not at all; bound to it; or bound and aliased (through
 * the proxy) into a user, the signed-in one or another.
 */
export type Holding = 'unbound' | 'bound' | 'aliased_to_user' | 'aliased_to_other';

/** One request's view of its browser's binding. */
export interface Binding {
  /** How this browser holds `id` (one of the ids the binding was opened with). */
  holds(id: string): Holding;
  /** Binds a new id to this browser. */
  claim(id: string): void;
  /** Records that `id` was aliased into the signed-in user: from now on only that user may write it. */
  alias(id: string): void;
  /** The `Set-Cookie` value when the binding changed, else `undefined`. */
  cookie(): Promise<string | undefined>;
}

/** Reads and writes the signed binding cookie. */
export interface Binder {
  /**
   * The binding of the request's browser (none when the cookie is missing, forged or signed with
   * another secret), for the anonymous `ids` the request names and its signed-in `user`.
   */
  open(request: Request, ids: Iterable<string>, user: Id | undefined): Promise<Binding>;
}

interface Entry {
  tag: string;
  /** The tag of the user the id was aliased into. */
  owner?: string | undefined;
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
      // Stryker disable next-line BooleanLiteral: equivalent: whether the key could be exported changes nothing here (nothing exports it)
      false,
      ['sign', 'verify'],
    );
    return key;
  };
  const signed = (list: string) =>
    encoder.encode(`zendesk-connect/anonymous-ids/v2:${name}:${list}`);
  const tagOf = async (kind: 'anonymous-id' | 'user', id: string) => {
    const mac = await crypto.subtle.sign(
      'HMAC',
      await keyOf(),
      encoder.encode(`zendesk-connect/${kind}:${id}`),
    );
    return toBase64Url(new Uint8Array(mac, 0, 16));
  };

  async function read(request: Request): Promise<Entry[]> {
    for (const value of cookieValues(request.headers.get('cookie'), name)) {
      const dot = value.lastIndexOf('.');
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: without a dot, what is taken as the signature is not 43 characters and is refused below (this only skips that)
      if (dot < 0) continue;
      const list = value.slice(0, dot);
      const signature = fromBase64Url(value.slice(dot + 1));
      const entries = list.split('~').map((entry) => ENTRY.exec(entry));
      if (!signature || entries.some((match) => match === null)) continue;
      if (await crypto.subtle.verify('HMAC', await keyOf(), signature, signed(list)))
        // Stryker disable next-line OptionalChaining,StringLiteral: unreachable: every entry matched above (the fallbacks are for the type)
        return entries.map((match) => ({ tag: match?.[1] ?? '', owner: match?.[2] }));
    }
    return [];
  }

  return {
    async open(request, ids, user) {
      const entries = await read(request);
      const tags = new Map<string, string>();
      // Stryker disable next-line ConditionalExpression: equivalent: an id's tag computed again is the same (this only saves an HMAC)
      for (const id of ids) if (!tags.has(id)) tags.set(id, await tagOf('anonymous-id', id));
      const userTag = user === undefined ? undefined : await tagOf('user', String(user));
      let changed = false;
      const tagFor = (id: string) => {
        const tag = tags.get(id);
        if (tag === undefined) throw new Error(`binding: ${id} was not among the opened ids`);
        return tag;
      };
      /** Puts the entry last (most recent). */
      const put = (entry: Entry) => {
        const at = entries.findIndex((e) => e.tag === entry.tag);
        if (at >= 0) entries.splice(at, 1);
        entries.push(entry);
        changed = true;
      };
      return {
        holds(id) {
          const entry = entries.find((e) => e.tag === tagFor(id));
          if (!entry) return 'unbound';
          if (entry.owner === undefined) return 'bound';
          return entry.owner === userTag ? 'aliased_to_user' : 'aliased_to_other';
        },
        claim(id) {
          const tag = tagFor(id);
          if (!entries.some((e) => e.tag === tag)) put({ tag });
        },
        alias(id) {
          if (userTag === undefined) throw new Error('binding: an alias needs a signed-in user');
          put({ tag: tagFor(id), owner: userTag });
        },
        async cookie() {
          if (!changed) return undefined;
          // Over the limit, the oldest ids that were never aliased go first: an aliased id must
          // stay locked to its user for as long as the cookie lives.
          while (entries.length > MAX_ENTRIES) {
            const plain = entries.findIndex((e) => e.owner === undefined);
            entries.splice(Math.max(plain, 0), 1);
          }
          const list = entries.map((e) => (e.owner ? `${e.tag}:${e.owner}` : e.tag)).join('~');
          const signature = new Uint8Array(
            await crypto.subtle.sign('HMAC', await keyOf(), signed(list)),
          );
          const url = new URL(request.url);
          // The proxy's path, with anything that could end the attribute (`;`) or confuse a
          // cookie parser (`,`, spaces, quotes) percent-encoded.
          const path = (url.pathname.replace(/\/[^/]*\/*$/, '') || '/').replace(
            /[^A-Za-z0-9\-._~!$&'()*+=:@/%]/g,
            (char) => encodeURIComponent(char),
          );
          const secure =
            options.secure ??
            (url.protocol === 'https:' ||
              request.headers.get('origin')?.startsWith('https:') === true);
          return `${name}=${list}.${toBase64Url(signature)}; Path=${path}; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=${options.sameSite ?? 'Strict'}${secure ? '; Secure' : ''}`;
        },
      };
    },
  };
}

function cookieValues(header: string | null, name: string): string[] {
  // Stryker disable next-line ArrayDeclaration: equivalent: a value without a signature is skipped by read()
  const values: string[] = [];
  if (!header) return values;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: a part without a name is no cookie of ours, and one without '=' has no signature to verify
    if (at <= 0) continue;
    if (part.slice(0, at).trim() === name) values.push(part.slice(at + 1).trim());
  }
  return values;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  // Stryker disable next-line Regex: equivalent: base64 has '=' only at its end
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  // Stryker disable next-line Regex: equivalent: a signature of another length never verifies (this only saves the HMAC)
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined; // 32 bytes, unpadded
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  // Only the canonical spelling: the last character's 2 spare bits must be zero.
  return toBase64Url(bytes) === text ? bytes : undefined;
}
