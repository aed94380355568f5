// Bundled with esbuild into the test page: the browser client, with fetch watched so the test
// can see which requests went out with keepalive.
import { createBrowserClient } from '../../src/browser/index';

const sent: { url: string; keepalive: boolean }[] = [];
const pageFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  sent.push({ url: String(input), keepalive: init?.keepalive === true });
  return pageFetch(input, init);
};

// `?linger=ms` lets a test hold calls back, so only the page-hiding path can send them.
const linger = Number(new URLSearchParams(location.search).get('linger') ?? 50);
// What the page learned of failures (the status and the proxy's JSON error).
const failures: { status: number | undefined; error: unknown }[] = [];
Object.assign(window, {
  connect: createBrowserClient({
    endpoint: '/api/connect',
    flushInterval: linger,
    onError: ({ error, status }) =>
      failures.push({ status, error: 'error' in error ? error.error : error.message }),
  }),
  sent,
  failures,
});
