/** The assertions over {@link ./intended}: order per user and the final state, from the server's side. */
import { expect } from 'vitest';
import type { ConnectEmulator } from '../../src/testing/index';
import { comparableUsers, intendedUsers, orderViolations, type TaggedCall } from './intended';

/** Asserts every user's writes arrived in call order. */
export function expectCallOrderPerUser(emulator: ConnectEmulator, calls: readonly TaggedCall[]) {
  expect(orderViolations(emulator, calls)).toStrictEqual([]);
}

/** Asserts the emulator ends as the calls meant, and every user's writes came in call order. */
export async function expectIntendedState(
  emulator: ConnectEmulator,
  calls: readonly TaggedCall[],
  delivered?: ReadonlySet<number>,
) {
  expectCallOrderPerUser(emulator, calls);
  expect(comparableUsers(emulator)).toStrictEqual(await intendedUsers(calls, delivered));
}
