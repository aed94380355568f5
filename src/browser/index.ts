/**
 * `zendesk-connect/browser`: a small client for pages. It holds no Connect key; it posts to your
 * endpoint running `zendesk-connect/proxy`.
 *
 * @packageDocumentation
 */
export {
  type BrowserClient,
  type BrowserClientOptions,
  type BrowserMessage,
  createBrowserClient,
} from './client';
export { defaultStorage, type KeyValueStorage, memoryStorage } from './storage';
