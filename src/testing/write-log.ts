/** The order in which the emulator applied each write: what proves a client kept each user's order. */

/** What a write did. */
export type WriteKind =
  | 'identify'
  | 'alias'
  | 'track'
  | 'register'
  | 'disable'
  | 'subscribe'
  | 'unsubscribe';

/** One message the emulator applied (a single body or one batch item), in the order applied. */
export interface EmulatedWrite {
  /** Position in `emulator.writes`, from 0. */
  seq: number;
  kind: WriteKind;
  /** The endpoint it came through, e.g. `/v2/identify/batch`. */
  path: string;
  /** The Connect user ids it wrote, as strings: `user_id`, and an alias's `previous_id`. */
  ids: string[];
  /** The user it reached when applied, following aliases made before it (an alias: the merged user). */
  user: string;
  /** The message as applied. */
  body: unknown;
  /** The request's `X-Outbound-GUID`, when it had one: a resend carries the same. */
  requestId: string | undefined;
  /** Epoch milliseconds when it was applied. */
  time: number;
}

/** Every applied write, in order. */
export class WriteLog {
  readonly writes: EmulatedWrite[] = [];

  record(
    path: string,
    body: unknown,
    requestId: string | undefined,
    time: number,
    user: string,
  ): void {
    const { user_id, previous_id } = body as { user_id: unknown; previous_id?: unknown };
    const ids =
      previous_id === undefined ? [String(user_id)] : [String(user_id), String(previous_id)];
    this.writes.push({
      seq: this.writes.length,
      kind: kindOf(path, previous_id !== undefined),
      path,
      ids,
      user,
      body,
      requestId,
      time,
    });
  }

  /** The writes that touched any of `ids`, in the order applied. */
  touching(ids: ReadonlySet<string>): EmulatedWrite[] {
    return this.writes.filter((write) => write.ids.some((id) => ids.has(id)));
  }

  clear(): void {
    this.writes.length = 0;
  }
}

function kindOf(path: string, alias: boolean): WriteKind {
  if (path.startsWith('/v2/identify')) return alias ? 'alias' : 'identify';
  if (path.startsWith('/v2/track')) return 'track';
  if (path.endsWith('/register')) return 'register';
  if (path.endsWith('/disable')) return 'disable';
  return path.startsWith('/v2/unsubscribe') ? 'unsubscribe' : 'subscribe';
}
