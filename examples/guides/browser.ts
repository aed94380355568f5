/** docs/browser.md's snippets, type-checked: the page, the proxy on the server, and a dev server. */

declare function sessionUserId(request: Request): Promise<string | null>;
declare function isMember(userId: string | number, groupId: unknown): Promise<boolean>;
declare function showBanner(text: string): void;
/** Your store of aliases (a table: anonymous id → user id). */
declare const aliasStore: {
  userOf(anonymousId: string): Promise<string | undefined>;
  save(anonymousId: string, userId: string): Promise<void>;
};

// #region page
import { createBrowserClient, EndpointError } from 'zendesk-connect/browser';

const connect = createBrowserClient({
  endpoint: '/api/connect',
  // Failures reach the page: the status, and the proxy's JSON error.
  onError: ({ error, status, messages }) =>
    console.warn(`analytics: ${messages.length} call(s) failed (${status ?? 'offline'})`, error),
});

connect.identify({ email: 'mbolton@example.com' }); // a visitor's traits (analytics.js form)
connect.track('Viewed Pricing', { plan: 'Startup' });

// after sign-in (your server's session now names the user):
connect.identify('019mr8mf4r', { name: 'Michael Bolton' });
connect.alias('019mr8mf4r'); // joins the visitor's anonymous id to the user
connect.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });

const { delivered, failed, dropped } = await connect.flush();

// At sign-out: deliver what the user did while your session still names them, then forget the
// user and start a new anonymous id (in every tab), then end your session.
await connect.flush();
connect.reset();
// #endregion

// #region events
connect.on('error', ({ error }) => {
  if (error instanceof EndpointError && error.status === 403) {
    // e.g. { code: 'forbidden', reason: 'not_current_user', index: 0, field: 'userId', message }
    showBanner(`analytics refused: ${error.error?.message}`);
  }
});
connect.on('drop', ({ reason, message }) => console.warn('dropped', reason, message.type));

// #endregion

// #region proxy
import { ConnectClient } from 'zendesk-connect';
import { createConnectProxy } from 'zendesk-connect/proxy';

export const POST = createConnectProxy({
  client: new ConnectClient({ apiKey: process.env.CONNECT_API_KEY! }),
  // Required: the signed-in user's id from your session, or null for a visitor.
  currentUser: (request) => sessionUserId(request),
  // Required: 32+ random characters binding each anonymous id to the browser that first used
  // it. An unset variable throws at start-up; only `secret: false` runs without it.
  secret: process.env.CONNECT_PROXY_SECRET,
});
// #endregion

// #region authorize
export const withGroups = createConnectProxy({
  client: new ConnectClient({ apiKey: process.env.CONNECT_API_KEY! }),
  currentUser: (request) => sessionUserId(request),
  secret: process.env.CONNECT_PROXY_SECRET,
  // Runs after the identity rules, and can only refuse more.
  authorize: async ({ message, user }) =>
    message.type !== 'group' || (user !== undefined && (await isMember(user, message.groupId))),
});

// #endregion

// #region aliases
// Every instance, every restart: an anonymous id aliased into a user is written only by that user.
export const withAliasStore = createConnectProxy({
  client: new ConnectClient({ apiKey: process.env.CONNECT_API_KEY! }),
  currentUser: (request) => sessionUserId(request),
  secret: process.env.CONNECT_PROXY_SECRET,
  authorize: async ({ message, writes, user }) => {
    for (const { id, kind } of writes) {
      if (kind !== 'anonymous') continue;
      const owner = await aliasStore.userOf(String(id));
      if (owner !== undefined && owner !== String(user)) return false;
      // An alias (its user is the signed-in one): from now on the id is that user's.
      if (message.type === 'alias' && user !== undefined)
        await aliasStore.save(String(id), String(user));
    }
    return true;
  },
});

// #endregion

// #region visitors
// Stricter doors: no groups from pages, and no contact details or push tokens from visitors.
const CONTACT = /^(e-?mail|phone|phone-?number|phones)$/i;
export const strictVisitors = createConnectProxy({
  client: new ConnectClient({ apiKey: process.env.CONNECT_API_KEY! }),
  currentUser: (request) => sessionUserId(request),
  secret: process.env.CONNECT_PROXY_SECRET,
  authorize: ({ message, user }) => {
    if (message.type === 'group') return false; // group membership: your server decides
    if (user !== undefined) return true;
    const traits = (message.traits ?? {}) as Record<string, unknown>;
    const device = (message.context as { device?: { token?: unknown } } | undefined)?.device;
    const contact = Object.keys(traits).some((key) => CONTACT.test(key.replace(/[\s_]/g, '')));
    return !contact && device?.token == null;
  },
});

// #endregion

// #region vite
// vite.config.ts: the page at http://localhost:5173, your API at http://localhost:3000
import { defineConfig } from 'vite';

export const viteConfig = defineConfig({
  server: {
    proxy: {
      // changeOrigin stays false (the default): the API then sees the page's Host, and the
      // page's Origin (http://localhost:5173) is its own origin. With changeOrigin: true, add
      // allowedOrigins: ['http://localhost:5173'] to createConnectProxy in development.
      '/api/connect': { target: 'http://localhost:3000' },
    },
  },
});
// #endregion

export { delivered, dropped, failed };
