import type { CallType, ConnectClientEvents } from '../delivery/events';
import type { ConnectError } from '../errors';

/** What a worker reports besides `ConnectClient`'s events. */
export interface WorkerOnlyEvents {
  /** A partition was taken, given up after draining, or lost (its lease expired, or Redis failed). */
  partition: { partition: number; event: 'acquired' | 'released' | 'lost'; reason?: string };
  /** A message finally failed and went to its partition's dead-letter stream. */
  deadLetter: {
    partition: number;
    entryId: string;
    messageId: string;
    type: CallType;
    error: ConnectError;
  };
}

/** Every event a worker emits: `ConnectClient`'s (request, response, retry, delivered, error…) and its own. */
export type WorkerEvents = ConnectClientEvents & WorkerOnlyEvents;
