/**
 * `zendesk-connect/browser`: a small client for pages. It holds no Connect key; it posts to your
 * endpoint running `zendesk-connect/proxy`.
 *
 * @packageDocumentation
 */
export { ConnectError, ConnectionError, QueueFullError, ValidationError } from '../errors';
export {
  type BrowserClient,
  type BrowserClientEvents,
  type BrowserClientOptions,
  type BrowserFlushReport,
  type BrowserMessage,
  createBrowserClient,
} from './client';
export { EndpointError, type EndpointErrorBody } from './errors';
export { defaultStorage, type KeyValueStorage, memoryStorage } from './storage';
