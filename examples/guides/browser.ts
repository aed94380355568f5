/** docs/browser.md's snippets, type-checked: the page, and the proxy on the server. */

declare function sessionUserId(request: Request): Promise<string | null>;

// #region page
import { createBrowserClient } from 'zendesk-connect/browser';

const connect = createBrowserClient({ endpoint: '/api/connect' });

connect.identify({
  userId: '019mr8mf4r',
  traits: { name: 'Michael Bolton', email: 'mbolton@example.com' },
});
connect.identify('019mr8mf4r', { plan: 'pro' }); // analytics.js form
connect.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });
connect.alias('019mr8mf4r'); // previousId = the anonymous id
connect.reset(); // sign-out: forget the user, new anonymous id
await connect.flush();

// #endregion

// #region proxy
import { ConnectClient } from 'zendesk-connect';
import { createConnectProxy } from 'zendesk-connect/proxy';

export const POST = createConnectProxy({
  client: new ConnectClient({ apiKey: process.env.CONNECT_API_KEY! }),
  // Required: the signed-in user's id from your session, or null for a visitor.
  currentUser: (request) => sessionUserId(request),
  // 32+ random characters: binds each anonymous id to the browser that first used it.
  secret: process.env.CONNECT_PROXY_SECRET!,
});
// #endregion
