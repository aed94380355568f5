import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectApiError, ConnectClient } from '../../src/index';
import { API_KEY } from './setup';

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
}

/** A loopback server that records every request and answers with `answer`. */
async function recordingServer(answer: (req: IncomingMessage) => [number, Record<string, string>]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        key: req.headers['x-outbound-key'] as string | undefined,
      });
      const [status, headers] = answer(req);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('redirects are never followed', () => {
  let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
  let connectServer: Awaited<ReturnType<typeof recordingServer>>;
  let redirect: { status: number; location: string };

  beforeAll(async () => {
    elsewhere = await recordingServer(() => [200, {}]);
    connectServer = await recordingServer((req) =>
      req.url?.startsWith('/v2/moved')
        ? [200, {}]
        : [redirect.status, { location: redirect.location }],
    );
  });
  afterAll(async () => {
    await elsewhere.close();
    await connectServer.close();
  });

  for (const status of [301, 302, 307, 308]) {
    for (const target of ['another origin', 'the same origin']) {
      it(`${status} to ${target}: the call rejects, naming the status and host; nothing else is requested`, async () => {
        elsewhere.seen.length = 0;
        connectServer.seen.length = 0;
        const location = target === 'another origin' ? `${elsewhere.url}/collect` : '/v2/moved';
        redirect = { status, location };
        const connect = new ConnectClient({ apiKey: API_KEY, baseUrl: connectServer.url });
        const outcome = await connect.track({ userId: 'u1', event: 'E' }).catch((error) => error);
        expect(outcome).toBeInstanceOf(ConnectApiError);
        const host = new URL(location, connectServer.url).host;
        expect(outcome).toMatchObject({ status, code: 'redirected' });
        expect(outcome.message).toContain(
          `Connect answered ${status} to POST /v2/track (1 attempt), redirecting to ${host}`,
        );
        expect(elsewhere.seen).toStrictEqual([]);
        // One request, not retried, and the redirect's target was never asked for.
        expect(connectServer.seen).toStrictEqual([
          { method: 'POST', url: '/v2/track', key: API_KEY },
        ]);
        expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 1, dropped: 0 });
      });
    }
  }

  it('fails a response that a custom fetch followed anyway (redirected: true)', async () => {
    const followed = new Response('', { status: 200 });
    Object.defineProperty(followed, 'redirected', { value: true });
    const connect = new ConnectClient({ apiKey: API_KEY, fetch: async () => followed });
    await expect(connect.track({ userId: 'u1', event: 'E' })).rejects.toMatchObject({
      code: 'redirected',
    });
  });

  it('asks every fetch not to follow', async () => {
    const inits: RequestInit[] = [];
    const connect = new ConnectClient({
      apiKey: API_KEY,
      fetch: async (_url, init) => {
        inits.push(init);
        return new Response('');
      },
    });
    await connect.track({ userId: 'u1', event: 'E' });
    expect(inits.map((init) => init.redirect)).toStrictEqual(['manual']);
  });
});
