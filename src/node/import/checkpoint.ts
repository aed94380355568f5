/**
 * The import's checkpoint: which rows are done, and which requests may have reached Connect.
 *
 * Rows are numbered across all inputs in reading order. Everything below `low` is done
 * (accepted, or written to the failed-rows file, or skipped); above it, a window of at most
 * `window` rows, each flagged done or not. Rows that are not done are re-read and sent again on
 * resume, in file order, so each user's order holds.
 *
 * A request is recorded before it goes out (the fetch hook awaits {@link Checkpoint.commit}),
 * with its `X-Outbound-GUID` and its rows. Until Connect answers it, it is *ambiguous*: Connect
 * may or may not have applied it. A resumed import sends such a request again, the same rows
 * under the same GUID, before anything else. A row is skipped on resume only when Connect
 * accepted it (or it failed and sits in the failed-rows file).
 *
 * It is written to two files in turn, `<path>` and `<path>.b`, each ending with a SHA-256 of its
 * content and carrying a sequence number; a commit overwrites the older one and fsyncs it. A
 * crash mid-write leaves that file torn (its hash does not match) and the other one whole, so
 * the newest whole file is always a checkpoint that was fully written: as safe as a rename, at
 * one fsync a commit instead of three (file, rename, directory). Commits that are asked for
 * while one is being written share the next write.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ImportUsageError } from './inputs';

/** What a checkpoint belongs to: the inputs (unchanged) and the options that shape the rows. */
export interface CheckpointIdentity {
  inputs: Array<{ name: string; size: number; mtimeMs: number }>;
  options: Record<string, unknown>;
}

/** How the rows ended, so far, over every run. */
export interface RowCounts {
  /** Accepted by Connect. */
  accepted: number;
  /** Refused by Connect (400 or 413 for the row alone): in the failed-rows file. */
  failed: number;
  /** Refused before sending (unreadable, or invalid for the client): in the failed-rows file. */
  invalid: number;
  /** Calls Connect has no use for (`page`, `screen`). */
  skipped: number;
}

/** A request that may have reached Connect, as saved. */
interface SavedRequest {
  guid: string;
  path: string;
  /** Its rows, as inclusive ranges. */
  rows: Array<[number, number]>;
}

interface Saved {
  version: 1;
  /** Which of the two files is newer. */
  sequence: number;
  identity: CheckpointIdentity;
  low: number;
  /** Done rows at or above `low`, as inclusive ranges. */
  ahead: Array<[number, number]>;
  ambiguous: SavedRequest[];
  counts: RowCounts;
  /** Length of the failed-rows file that matches this checkpoint. */
  failedBytes: number;
  complete: boolean;
}

/** A request the importer is following. */
interface RequestRecord {
  path: string;
  rows: Set<number>;
  /** Rows it had when built: a request is resent under its GUID only whole. */
  size: number;
  /** `sent`: an attempt went out and got no answer (yet): Connect may have applied it. */
  state: 'new' | 'sent' | 'answered';
}

/** An ambiguous request to send again under its GUID. */
export interface AmbiguousRequest {
  guid: string;
  path: string;
  rows: number[];
}

const VERSION = 1;

/** The failed-rows file, as the checkpoint needs it. */
export interface FailedRowsFile {
  /** Writes what is buffered; returns the file's length. */
  flush(): number;
  /** Resolves once the file's content is on disk. */
  sync(): Promise<unknown>;
}

export class Checkpoint {
  low = 0;
  counts: RowCounts = { accepted: 0, failed: 0, invalid: 0, skipped: 0 };
  complete = false;
  /** Rows done this run that were done in no earlier one. */
  private readonly done: Uint8Array;
  private readonly requests = new Map<string, RequestRecord>();
  private readonly requestOfRow = new Map<number, string>();
  private readonly loadedAmbiguous: AmbiguousRequest[] = [];
  private sequence = 0;
  /** Files of this checkpoint whose directory entry is known to be on disk. */
  private readonly created = new Set<string>();
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private advanced: Array<() => void> = [];

  private constructor(
    readonly path: string,
    readonly identity: CheckpointIdentity,
    readonly window: number,
    private readonly failedRows: FailedRowsFile,
    public failedBytes: number,
  ) {
    this.done = new Uint8Array(window);
  }

  /**
   * The checkpoint at `path` when it belongs to `identity`, else a fresh one. A checkpoint of
   * other inputs or options is refused: resuming it would skip the wrong rows.
   */
  static load(
    path: string,
    identity: CheckpointIdentity,
    window: number,
    failedRows: FailedRowsFile,
  ): Checkpoint {
    const saved = Checkpoint.read(path);
    if (!saved) return new Checkpoint(path, identity, window, failedRows, 0);
    const theirs = JSON.stringify(saved.identity);
    if (theirs !== JSON.stringify(identity)) {
      throw new ImportUsageError(
        `the checkpoint ${path} belongs to other inputs or options (${describeDifference(saved.identity, identity)}); pass the same ones, another --checkpoint, or --restart to import from the start`,
      );
    }
    const checkpoint = new Checkpoint(path, identity, window, failedRows, saved.failedBytes);
    checkpoint.sequence = saved.sequence;
    checkpoint.low = saved.low;
    checkpoint.counts = saved.counts;
    checkpoint.complete = saved.complete;
    for (const [first, last] of saved.ahead) {
      for (let row = first; row <= last; row++) {
        if (row - saved.low >= window) throw new ImportUsageError(`${path} is damaged`);
        checkpoint.done[row % window] = 1;
      }
    }
    for (const request of saved.ambiguous) {
      checkpoint.loadedAmbiguous.push({
        guid: request.guid,
        path: request.path,
        rows: request.rows.flatMap(([first, last]) => range(first, last)),
      });
    }
    return checkpoint;
  }

  /**
   * The newest whole checkpoint saved at `path` (of its two files), or undefined when there is
   * none. Files that exist but hold no whole checkpoint are refused.
   */
  static read(path: string): Saved | undefined {
    let newest: Saved | undefined;
    let found = false;
    for (const slot of slotsOf(path)) {
      let text: string;
      try {
        text = readFileSync(slot, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new ImportUsageError(
          `cannot read the checkpoint ${slot}: ${(error as NodeJS.ErrnoException).code}`,
        );
      }
      found = true;
      const saved = whole(text);
      if (saved && (!newest || saved.sequence > newest.sequence)) newest = saved;
    }
    if (found && !newest) {
      throw new ImportUsageError(
        `${path} is not a checkpoint of this version; remove it or pass --restart`,
      );
    }
    return newest;
  }

  /** Removes the checkpoint's files. */
  static remove(path: string): void {
    for (const slot of slotsOf(path)) {
      try {
        unlinkSync(slot);
      } catch {
        // Not there.
      }
    }
  }

  /** The requests a crashed run left unanswered, to send again first, under their GUIDs. */
  ambiguous(): readonly AmbiguousRequest[] {
    return this.loadedAmbiguous;
  }

  /** True when the row needs nothing more. */
  isDone(row: number): boolean {
    return row < this.low || (row - this.low < this.window && this.done[row % this.window] === 1);
  }

  /** Marks a row done and moves `low` past every done row. */
  settle(row: number, outcome: keyof RowCounts): void {
    if (this.isDone(row)) return;
    this.counts[outcome]++;
    this.forget(row);
    this.done[row % this.window] = 1;
    if (row !== this.low) return;
    while (this.done[this.low % this.window] === 1) {
      this.done[this.low % this.window] = 0;
      this.low++;
    }
    const waiting = this.advanced;
    this.advanced = [];
    for (const resolve of waiting) resolve();
  }

  /** Resolves when `low` next moves. */
  whenAdvanced(): Promise<void> {
    return new Promise((resolve) => this.advanced.push(resolve));
  }

  /** A request was built with these rows (a first attempt): they leave any earlier request. */
  requestBuilt(guid: string, path: string, rows: readonly number[]): void {
    if (this.requests.has(guid)) return;
    for (const row of rows) this.forget(row);
    for (const row of rows) this.requestOfRow.set(row, guid);
    this.requests.set(guid, { path, rows: new Set(rows), size: rows.length, state: 'new' });
  }

  /**
   * An attempt of the request is about to go out: from now on Connect may have applied it.
   * Returns the state before, for {@link Checkpoint.requestNotSent}.
   */
  requestSending(guid: string): RequestRecord['state'] | undefined {
    const request = this.requests.get(guid);
    if (!request) return undefined;
    const before = request.state;
    request.state = 'sent';
    return before;
  }

  /** The attempt announced by `requestSending` did not go out after all. */
  requestNotSent(guid: string, before: RequestRecord['state'] | undefined): void {
    const request = this.requests.get(guid);
    if (request && before !== undefined) request.state = before;
  }

  /** Connect answered the request: applied (2xx, its rows accepted) or refused as a whole. */
  requestAnswered(guid: string, applied: boolean): void {
    const request = this.requests.get(guid);
    if (!request) return;
    if (applied) for (const row of [...request.rows]) this.settle(row, 'accepted');
    else request.state = 'answered';
  }

  /** The rows of a request, when it is followed. */
  rowsOf(guid: string): ReadonlySet<number> | undefined {
    return this.requests.get(guid)?.rows;
  }

  /**
   * Saves the checkpoint durably. Resolves once a write that began after the call has finished;
   * calls made during a write share the next one.
   */
  commit(): Promise<void> {
    if (!this.writing) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    this.queued ??= this.writing.then(() => {
      this.queued = undefined;
      return this.commit();
    });
    return this.queued;
  }

  private forget(row: number): void {
    const guid = this.requestOfRow.get(row);
    if (guid === undefined) return;
    this.requestOfRow.delete(row);
    const request = this.requests.get(guid);
    if (!request) return;
    request.rows.delete(row);
    if (request.rows.size === 0) this.requests.delete(guid);
  }

  private snapshot(failedBytes: number): Saved {
    const ahead: Array<[number, number]> = [];
    for (let row = this.low; row < this.low + this.window; row++) {
      if (this.done[row % this.window] !== 1) continue;
      const last = ahead[ahead.length - 1];
      if (last && last[1] === row - 1) last[1] = row;
      else ahead.push([row, row]);
    }
    const ambiguous: SavedRequest[] = [];
    for (const [guid, request] of this.requests) {
      if (request.state !== 'sent' || request.rows.size !== request.size) continue;
      ambiguous.push({ guid, path: request.path, rows: ranges([...request.rows]) });
    }
    return {
      version: VERSION,
      sequence: this.sequence,
      identity: this.identity,
      low: this.low,
      ahead,
      ambiguous,
      counts: { ...this.counts },
      failedBytes,
      complete: this.complete,
    };
  }

  private async write(): Promise<void> {
    // The state and the failed-rows file's length are taken together, so the lines of exactly
    // the rows it counts as failed are in the file; and they are on disk before it is.
    const failedBytes = this.failedRows.flush();
    this.sequence++;
    const json = JSON.stringify(this.snapshot(failedBytes));
    await this.failedRows.sync();
    // The older of the two files: the newer one stays whole whatever happens to this write.
    const slot = slotsOf(this.path)[this.sequence % 2] as string;
    const handle = await open(slot, 'w');
    try {
      await handle.writeFile(`${json}\n${sha256(json)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (!this.created.has(slot)) {
      // A new file exists for good once its directory entry is on disk.
      syncDirectory(dirname(slot));
      this.created.add(slot);
    }
    this.failedBytes = failedBytes;
  }
}

/** The two files a checkpoint alternates between. */
function slotsOf(path: string): [string, string] {
  return [path, `${path}.b`];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The checkpoint in a file's text, when the file is whole and of this version. */
function whole(text: string): Saved | undefined {
  const match = /^([^\n]*)\n([0-9a-f]{64})\n$/.exec(text);
  if (!match || sha256(match[1] as string) !== match[2]) return undefined;
  try {
    const saved = JSON.parse(match[1] as string) as Saved;
    return saved.version === VERSION && typeof saved.sequence === 'number' ? saved : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a new file's name durable: fsync of its directory (where the platform allows). */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; its file creation is as durable as it gets.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function range(first: number, last: number): number[] {
  const rows: number[] = [];
  for (let row = first; row <= last; row++) rows.push(row);
  return rows;
}

function ranges(rows: number[]): Array<[number, number]> {
  rows.sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const row of rows) {
    const last = out[out.length - 1];
    if (last && last[1] === row - 1) last[1] = row;
    else out.push([row, row]);
  }
  return out;
}

function describeDifference(saved: CheckpointIdentity, now: CheckpointIdentity): string {
  const names = (identity: CheckpointIdentity) => identity.inputs.map((input) => input.name);
  if (JSON.stringify(names(saved)) !== JSON.stringify(names(now))) {
    return `it was made for ${names(saved).join(', ')}`;
  }
  const changed = now.inputs.find(
    (input, i) => JSON.stringify(input) !== JSON.stringify(saved.inputs[i]),
  );
  if (changed) return `${changed.name} changed since`;
  return `it was made with ${JSON.stringify(saved.options)}`;
}
