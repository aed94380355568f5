import { ConnectClient, type ConnectClientOptions } from '../../src/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';

export const API_KEY = 'f00dfeedf00dfeedf00dfeedf00dfeed';

/** A client wired to an in-memory emulator through its fetch handler. */
export function connectToEmulator(options: Partial<ConnectClientOptions> = {}): {
  emulator: ConnectEmulator;
  connect: ConnectClient;
} {
  const emulator = createConnectEmulator({ apiKeys: [API_KEY] });
  const connect = new ConnectClient({
    apiKey: API_KEY,
    fetch: emulator.fetch,
    retry: { initialDelay: 100 },
    ...options,
  });
  return { emulator, connect };
}

/** Paths and batch sizes of the requests the emulator received. */
export function requestShapes(emulator: ConnectEmulator): Array<[string, number]> {
  return emulator.calls.map((call) => [call.path, Array.isArray(call.body) ? call.body.length : 1]);
}
