/**
 * `zendesk-connect/proxy`: the server-side endpoint pages talk to, keeping the Connect key on
 * the server.
 *
 * @packageDocumentation
 */
export {
  type AuthorizeContext,
  type ConnectProxyOptions,
  createConnectProxy,
  type ProxyCallType,
  type ProxyIssue,
  type ProxyMessage,
} from './proxy';
