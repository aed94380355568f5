/**
 * `zendesk-connect/testing/node`: the Connect emulator served on loopback (Node only).
 *
 * @packageDocumentation
 */
export {
  type ConnectEmulatorServer,
  type ConnectEmulatorServerOptions,
  startConnectEmulatorServer,
} from './emulator-server';
