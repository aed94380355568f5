import type { CallType } from '../delivery/events';
import { type MessageKind, QueuedMessage } from '../delivery/queue';
import { CALLS, isCallType } from '../mappers/calls';
import type { RawEntry } from './redis-calls';

/**
 * What a partition's stream holds. Field names are short: they are stored once per message.
 * - `m`: a message (`t` type, `mid` messageId, `p` path, `j` JSON, `b` bytes, `i` ids as JSON,
 *   `at` epoch ms of the call; an alias spanning two partitions also `wait`, its alias id,
 *   and `o`, the other partition);
 * - `hold`: in the other partition of such an alias, the point before which the earlier id's
 *   messages must settle before the alias is sent (`a` alias id, `h` home partition, `i` ids);
 * - `follow`: in that partition again, the point after which the earlier id's messages wait for
 *   the alias to be settled (`a`, `h`, `i`).
 */
export type EntryKind = 'm' | 'hold' | 'follow';

/** What a stream entry keeps of a message. */
export interface StoredMessage {
  type: CallType;
  messageId: string;
  /** The single endpoint, for a request of this message alone. */
  path: string;
  /** The wire body as JSON. */
  json: string;
  /** `json`'s size in UTF-8 bytes. */
  bytes: number;
  /** The Connect user ids it writes: its order key. */
  ids: readonly string[];
}

/** A message as a stream entry's fields. */
export function messageFields(
  message: StoredMessage,
  extra: Record<string, string> = {},
): string[] {
  const fields = [
    'k',
    'm',
    't',
    message.type,
    'mid',
    message.messageId,
    'p',
    message.path,
    'j',
    message.json,
    'b',
    String(message.bytes),
    'i',
    JSON.stringify(message.ids),
    'at',
    String(Date.now()),
  ];
  for (const [name, value] of Object.entries(extra)) fields.push(name, value);
  return fields;
}

/** A marker's fields. */
export function markerFields(
  kind: 'hold' | 'follow',
  aliasId: string,
  home: number,
  ids: readonly string[],
): string[] {
  return [
    'k',
    kind,
    'a',
    aliasId,
    'h',
    String(home),
    'i',
    JSON.stringify(ids),
    'at',
    String(Date.now()),
  ];
}

/** A message read back from a stream, as the delivery queue holds it. */
export class EntryMessage extends QueuedMessage {
  /** The GUID of the request that carries it now. */
  flight: string | undefined = undefined;

  constructor(
    kind: MessageKind,
    json: string,
    bytes: number,
    messageId: string,
    /** The Connect user ids it writes: its order key. */
    readonly ids: readonly string[],
    /** The stream entry id. */
    readonly entryId: string,
    /** The entry's fields, for a dead letter. */
    readonly fields: Record<string, string>,
    /** The alias id, for an alias that spans two partitions. */
    readonly wait: string | undefined,
  ) {
    super(kind, json, bytes, messageId, undefined);
  }

  get type(): CallType {
    return this.kind.type;
  }

  get path(): string {
    return this.kind.path;
  }
}

/** A stream entry, read. */
export type Entry =
  | { kind: 'm'; id: string; ids: string[]; message: EntryMessage; released: boolean }
  | {
      kind: 'hold' | 'follow';
      id: string;
      ids: string[];
      alias: string;
      home: number;
      released: boolean;
    };

/** Reads an entry; undefined for one this version cannot read (it is dead-lettered). */
export function readEntry(raw: RawEntry): Entry | undefined {
  const { fields, id } = raw;
  let ids: string[];
  try {
    ids = JSON.parse(fields.i ?? '');
  } catch {
    return undefined;
  }
  if (!Array.isArray(ids) || ids.some((value) => typeof value !== 'string')) return undefined;
  if (fields.k === 'hold' || fields.k === 'follow') {
    const home = Number(fields.h);
    if (!fields.a || !Number.isInteger(home)) return undefined;
    return { kind: fields.k, id, ids, alias: fields.a, home, released: false };
  }
  const type = fields.t;
  if (fields.k !== 'm' || !isCallType(type) || !fields.p || fields.j === undefined) {
    return undefined;
  }
  const message = new EntryMessage(
    { type, lane: CALLS[type].lane, path: fields.p },
    fields.j,
    Number(fields.b) || fields.j.length,
    fields.mid ?? id,
    ids,
    id,
    fields,
    fields.wait || undefined,
  );
  return { kind: 'm', id, ids, message, released: false };
}

/** The time an entry was appended, from its id (`ms-seq`). */
export function entryTime(id: string): number {
  return Number(id.split('-')[0]);
}
