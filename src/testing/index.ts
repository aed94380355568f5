/**
 * `zendesk-connect/testing`: a faithful local Connect for tests, demos and benchmarks.
 *
 * @packageDocumentation
 */
export { withCors } from './cors';
export {
  type ConnectEmulator,
  type ConnectEmulatorOptions,
  createConnectEmulator,
  EmulatedConnectionDrop,
  maskKey,
  type RecordedCall,
} from './emulator';
export { type EmulatorSnapshot, renderEventsPage, snapshotOf } from './events-page';
export {
  ConnectEmulatorFaults,
  type FailOptions,
  type Fault,
  type FaultRequest,
  type FaultRule,
  type RefusalRule,
} from './faults';
export type { PlainRequest, PlainResponse } from './plain-http';
export type { EmulatedEvent, EmulatedUser, PushPlatform } from './store';
export type { EmulatedWrite, WriteKind } from './write-log';
