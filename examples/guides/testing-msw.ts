/** docs/testing.md's msw and DOM snippets, type-checked and run (test/docs/guides.test.ts). */

// #region msw
// npm install --save-dev msw (an optional peer of zendesk-connect/testing/msw)
import { setupServer } from 'msw/node';
import { ConnectClient } from 'zendesk-connect';
import { createConnectEmulator } from 'zendesk-connect/testing';
import { connectHandlers } from 'zendesk-connect/testing/msw';

const emulator = createConnectEmulator();
const server = setupServer(...connectHandlers(emulator)); // answers https://api.outbound.io/*
server.listen({ onUnhandledRequest: 'error' });

// your app's code, unchanged: a ConnectClient on the global fetch
const connect = new ConnectClient({ apiKey: 'test-key' });
await connect.track({ userId: 'u1', event: 'Signed Up' });
emulator.events.map((event) => event.event); // ['Signed Up']
server.close();
// #endregion

// #region dom
// In a DOM-like test environment (happy-dom, jsdom) there is a window and a document, so the
// client believes it runs in a page, where a private key would be public, and refuses to start.
// Either say it is a test…
const inDomTests = new ConnectClient({
  apiKey: 'test-key',
  fetch: emulator.fetch,
  dangerouslyAllowBrowser: true, // a test key in a test: nothing to leak
});
// …or run the files that use ConnectClient in Node's environment, with this first line:
// @vitest-environment node
// #endregion

export const ran = { events: emulator.events.length, inDomTests };
await connect.close();
