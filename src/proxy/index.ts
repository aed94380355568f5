/**
 * `zendesk-connect/proxy`: the server-side endpoint pages talk to, keeping the Connect key on
 * the server and guarding which Connect users a page may write.
 *
 * @packageDocumentation
 */
export { ANALYTICS_JS_ANONYMOUS_ID_PATTERN } from '../leaf/anonymous-id';
export {
  type AuthorizeContext,
  type BindingCookieOptions,
  type ConnectProxyOptions,
  type CurrentUser,
  createConnectProxy,
  type ProxyCallType,
  type ProxyIssue,
  type ProxyMessage,
  type ProxyRefusalReason,
  type ProxyWrite,
} from './proxy';
