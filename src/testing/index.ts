/**
 * `zendesk-connect/testing`: a faithful local Connect for tests, demos and benchmarks.
 *
 * @packageDocumentation
 */

export { maskKey } from './auth';
export type { RecordedCall } from './calls';
export { withCors } from './cors';
export {
  type ConnectEmulator,
  type ConnectEmulatorOptions,
  createConnectEmulator,
} from './emulator';
export {
  ConnectEmulatorFaults,
  EmulatedConnectionDrop,
  type FailOptions,
  type Fault,
  type FaultRequest,
  type FaultRule,
  type RefusalRule,
} from './faults';
export type { PlainRequest, PlainResponse } from './plain-http';
export { type EmulatorSnapshot, snapshotOf } from './snapshot';
export type { EmulatedEvent, EmulatedUser, PushPlatform } from './store';
export type { EmulatedWrite, WriteKind } from './write-log';
