/** The emulator's three doors (direct fetch, msw, loopback server), behind one interface for tests. */
import { setupServer } from 'msw/node';
import { startConnectEmulatorServer } from '../../src/node/testing';
import {
  type ConnectEmulator,
  type ConnectEmulatorOptions,
  createConnectEmulator,
} from '../../src/testing/index';
import { connectHandlers } from '../../src/testing/msw';

export interface Door {
  emulator: ConnectEmulator;
  /** Sends a request to `path` on this door. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export type DoorName = 'fetch' | 'msw' | 'server';

export async function openDoor(
  name: DoorName,
  options: ConnectEmulatorOptions = {},
): Promise<Door> {
  const emulator = createConnectEmulator(options);
  if (name === 'fetch') {
    return {
      emulator,
      fetch: (path, init) => emulator.fetch(new Request(`https://api.outbound.io${path}`, init)),
      close: async () => {},
    };
  }
  if (name === 'msw') {
    const baseUrl = 'https://connect.example.test';
    const server = setupServer(...connectHandlers(emulator, { baseUrl }));
    server.listen({ onUnhandledRequest: 'error' });
    return {
      emulator,
      fetch: (path, init) => fetch(`${baseUrl}${path}`, init),
      close: async () => server.close(),
    };
  }
  const server = await startConnectEmulatorServer({ emulator });
  return {
    emulator,
    fetch: (path, init) => fetch(`${server.url}${path}`, init),
    close: () => server.close(),
  };
}

export const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';

/** A POST with the key and a JSON body, as the official SDKs sent them. */
export function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Outbound-Key': KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
