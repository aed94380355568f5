import { CallLog } from './calls';
import { ConnectEmulatorFaults } from './faults';
import { Feed } from './feed';
import { type EmulatorSnapshot, snapshotOf } from './snapshot';
import { EmulatorStore } from './store';
import { type EmulatedWrite, WriteLog } from './write-log';

/** Everything an emulator holds, and the operations that span more than one part of it. */
export class EmulatorState {
  readonly store = new EmulatorStore();
  readonly calls = new CallLog();
  readonly log = new WriteLog();
  readonly faults = new ConnectEmulatorFaults();
  readonly feed = new Feed();

  constructor(readonly now: () => number) {}

  /** Users and the last 24 hours of events. */
  snapshot(): EmulatorSnapshot {
    return snapshotOf(this.store.users.values(), this.store.events, this.now());
  }

  /** The writes under `id` and, when it is a stored user, under every id merged into it. */
  writesOf(id: string | number): EmulatedWrite[] {
    const ids = new Set([String(id), ...(this.store.users.get(String(id))?.previous_ids ?? [])]);
    return this.log.touching(ids);
  }

  /** Forgets users, events, calls, writes and faults; an open debugger page starts over. */
  reset(): void {
    this.store.clear();
    this.calls.clear();
    this.log.clear();
    this.faults.clear();
    this.feed.publish({ type: 'reset' });
  }

  /** Tells the feed where request `n` stands. */
  published(n: number): void {
    const request = this.calls.summary(n);
    if (request) this.feed.publish({ type: 'request', request });
  }
}
