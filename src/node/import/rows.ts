/**
 * What a row of an input becomes: a Segment-style call for `ConnectClient`, a row to skip, or an
 * invalid row naming its field. Pure functions: no I/O.
 */

/** The calls an import sends. */
export type ImportCallType = 'identify' | 'track' | 'alias' | 'group';

/** A row as the importer sees it. */
export type RowOutcome =
  | {
      kind: 'call';
      type: ImportCallType;
      /** The message for the client (a copy; the importer sets its `messageId`). */
      message: Record<string, unknown>;
      /** The call as read: what a failed-rows file holds. */
      call: Record<string, unknown>;
    }
  /** A Segment call Connect has no use for (`page`, `screen`): counted, never sent. */
  | { kind: 'skip'; type: string }
  | { kind: 'invalid'; field: string; message: string; call?: Record<string, unknown> };

const SENT_TYPES: ReadonlySet<string> = new Set(['identify', 'track', 'alias', 'group']);
const SKIPPED_TYPES: ReadonlySet<string> = new Set(['page', 'screen']);
/** The key a failed-rows file adds to each line; ignored when the file is imported again. */
export const FAILURE_KEY = '_import';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One line of NDJSON: a Segment-style call (`{"type":"identify","userId":…}`), as in Segment's
 * archives and its HTTP batch items. A track keeps the time it happened: `timestamp`, else
 * `originalTimestamp`; a track with neither is invalid (it would be stamped with the import time).
 */
export function ndjsonRow(line: string): RowOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'invalid', field: '', message: 'is not valid JSON' };
  }
  if (!isObject(parsed)) {
    return { kind: 'invalid', field: '', message: 'must be a JSON object (a Segment call)' };
  }
  const { [FAILURE_KEY]: _failure, ...call } = parsed;
  return callRow(call);
}

/** A Segment-style call object (with its `type`) as a row. */
export function callRow(call: Record<string, unknown>): RowOutcome {
  const { type } = call;
  if (typeof type !== 'string' || !(SENT_TYPES.has(type) || SKIPPED_TYPES.has(type))) {
    return {
      kind: 'invalid',
      field: 'type',
      message: `must be one of identify, track, alias, group (page and screen are skipped), not ${JSON.stringify(type) ?? 'undefined'}`,
      call,
    };
  }
  if (SKIPPED_TYPES.has(type)) return { kind: 'skip', type };
  const { type: _type, ...message } = call;
  if (type === 'track') {
    const timestamp = message.timestamp ?? message.originalTimestamp;
    if (timestamp === undefined || timestamp === null) {
      return {
        kind: 'invalid',
        field: 'timestamp',
        message:
          'is required in an import (timestamp or originalTimestamp): without it the event would be stamped with the time of the import',
        call,
      };
    }
    message.timestamp = timestamp;
  }
  return { kind: 'call', type: type as ImportCallType, message, call };
}

/** A CSV record, its columns already renamed by `--map`. */
export type CsvRecord = Record<string, string>;

/** Columns that are ids rather than traits or properties. */
const ID_COLUMNS = ['userId', 'anonymousId'];

/**
 * A CSV row of users: `userId` (and optionally `anonymousId`), every other non-empty cell a
 * trait. An empty cell means no value: CSV cannot tell an empty string from a missing one.
 */
export function csvUserRow(record: CsvRecord): RowOutcome {
  const call: Record<string, unknown> = { type: 'identify', ...ids(record) };
  const traits: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (!ID_COLUMNS.includes(column) && value !== '') traits[column] = value;
  }
  call.traits = traits;
  return callRow(call);
}

/** Columns of an events CSV that are not properties. */
const EVENT_COLUMNS = [...ID_COLUMNS, 'event', 'timestamp'];

/**
 * A CSV row of events: `userId`, `event`, `timestamp` (ISO 8601, or Unix seconds or
 * milliseconds as digits), every other non-empty cell a property.
 */
export function csvEventRow(record: CsvRecord): RowOutcome {
  const call: Record<string, unknown> = { type: 'track', ...ids(record) };
  if (record.event !== undefined && record.event !== '') call.event = record.event;
  const timestamp = record.timestamp;
  if (timestamp !== undefined && timestamp !== '') {
    // A spreadsheet's epoch column arrives as digits; the client takes numbers, not digit strings.
    call.timestamp = /^\d+(\.\d+)?$/.test(timestamp) ? Number(timestamp) : timestamp;
  }
  const properties: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (!EVENT_COLUMNS.includes(column) && value !== '') properties[column] = value;
  }
  call.properties = properties;
  return callRow(call);
}

function ids(record: CsvRecord): Record<string, string> {
  const found: Record<string, string> = {};
  for (const column of ID_COLUMNS) {
    const value = record[column];
    if (value !== undefined && value !== '') found[column] = value;
  }
  return found;
}

/** The columns a CSV of each type must have (after `--map`). */
export const REQUIRED_COLUMNS: Record<'users' | 'events', readonly string[]> = {
  users: ['userId'],
  events: ['userId', 'event', 'timestamp'],
};
