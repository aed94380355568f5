import type { PlainResponse } from '../plain-http';
import { PAGE_SCRIPT, PAGE_STYLE } from './assets';

/**
 * `GET /`: the Connect debugger, one self-contained HTML page (no CDN, nothing fetched but the
 * emulator's own `/_emulator/*` JSON and feed). Its script and style are built from `client/` by
 * `npm run build:page` into `assets.ts`.
 */

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>Connect emulator</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the view</a>
<header>
<h1>Connect emulator</h1>
<nav aria-label="Views">
<a href="#/requests">Requests <span id="n-requests" class="meta"></span></a>
<a href="#/users">Users <span id="n-users" class="meta"></span></a>
<a href="#/events">Events <span id="n-events" class="meta"></span></a>
</nav>
<p id="live" role="status" data-status="connecting">Connecting…</p>
</header>
<div class="layout">
<main id="main" tabindex="-1" aria-labelledby="view-heading"><noscript><p>This page needs JavaScript. The state is also at <a href="_emulator/state">_emulator/state</a> as JSON.</p></noscript></main>
<aside id="controls" aria-labelledby="controls-heading"></aside>
</div>
<script type="module">${PAGE_SCRIPT}</script>
</body>
</html>
`;

/** The page, as `GET /` answers it. */
export function debuggerPage(): PlainResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: HTML,
  };
}
