/**
 * `zendesk-connect import`: reads the inputs as a stream, sends every row through
 * `ConnectClient` (batching, order per user, retries, byte limits), and keeps a checkpoint so
 * that a crashed or interrupted import continues where it stopped. See ./checkpoint.ts for what
 * is saved when, and docs/import.md for the command.
 */
import { resolve } from 'node:path';
// Only the package's public root: the importer is a user of the client like any other.
import {
  BadRequestError,
  ConnectClient,
  type ConnectClientOptions,
  type FetchLike,
  type OutgoingCall,
  PayloadTooLargeError,
  ValidationError,
} from 'zendesk-connect';
import { Checkpoint, type RowCounts } from './checkpoint';
import {
  describeInputs,
  ImportUsageError,
  type InputFile,
  parseColumnMap,
  type RawRow,
  readRows,
} from './inputs';
import { LineFile } from './line-file';
import { type ProgressMode, type ProgressState, startProgress } from './progress';
import { RateLimiter } from './rate-limit';
import { csvEventRow, csvUserRow, FAILURE_KEY, ndjsonRow, type RowOutcome } from './rows';

/** Options of {@link runImport}, as the command line gives them. */
export interface ImportOptions {
  files: string[];
  /** What CSV inputs hold. */
  type?: 'users' | 'events';
  /** CSV column renames, `From=to`. */
  map?: string[];
  dryRun?: boolean;
  /** Requests per second, at most. */
  rate?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Default `<first input>.checkpoint`. */
  checkpoint?: string;
  /** Forget the checkpoint and the failed-rows file, and import from the start. */
  restart?: boolean;
  /** Default `<first input>.failed.ndjson`. */
  failedFile?: string;
  /** The dry run's report. Default `<first input>.report.ndjson`. */
  report?: string;
  /** Required unless `dryRun`. */
  apiKey?: string;
  baseUrl?: string;
  defaultCountry?: string;
  /** Milliseconds one attempt may take. Default 10 s. */
  timeout?: number;
  progress?: ProgressMode;
  progressIntervalMs?: number;
  /** Where progress goes. Default stderr. */
  progressStream?: NodeJS.WritableStream;
  /** Aborting it stops the import as Ctrl-C does: nothing new is sent, the checkpoint is saved. */
  signal?: AbortSignal;
  /** The fetch to send with (tests, benchmarks). Default the global one. */
  fetch?: FetchLike;
}

/** How an import ended. */
export interface ImportSummary {
  /**
   * `complete`: every row is done; `stopped`: Connect refused the key or stayed unreachable, or
   * (`interrupted`) the import was asked to stop; rerun to continue. `dry-run`: nothing sent.
   */
  status: 'complete' | 'already-complete' | 'stopped' | 'interrupted' | 'dry-run';
  /** Every row so far, over every run of this checkpoint (for a dry run: this run). */
  rows: RowCounts & { total: number };
  /** Mapping warnings of the rows read this run, by code. */
  warnings: Record<string, number>;
  /** This run. */
  run: {
    /** Rows read (those done in an earlier run included). */
    read: number;
    /** Rows passed over: done in an earlier run. */
    alreadyDone: number;
    /** Rows of requests a crashed run left unanswered, sent again under their GUIDs. */
    resent: number;
    seconds: number;
    rowsPerSecond: number;
  };
  checkpoint?: string;
  failedRows?: string;
  report?: string;
  /** Why the import stopped early. */
  reason?: string;
}

/** Rows between the oldest that is not done and the newest read: bounds memory and the checkpoint. */
export const WINDOW = 10_000;

interface OpenRow {
  file: number;
  row: number;
  call: Record<string, unknown>;
}

/** Runs an import (or a dry run) to its end, or until it is stopped. */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  if (options.files.length === 0) throw new ImportUsageError('name at least one file to import');
  const files = describeInputs(options.files, options.type);
  const map = parseColumnMap(options.map ?? []);
  const convert = converter(files, options.type);
  return options.dryRun
    ? dryRun(files, convert, map, options)
    : importRows(files, convert, map, options);
}

type Convert = (raw: RawRow) => RowOutcome;

function converter(files: readonly InputFile[], type: 'users' | 'events' | undefined): Convert {
  const csv = type === 'events' ? csvEventRow : csvUserRow;
  return (raw) => {
    if (raw.problem !== undefined) return { kind: 'invalid', field: '', message: raw.problem };
    if (raw.record) return csv(raw.record);
    if ((files[raw.file] as InputFile).format === 'csv') {
      return { kind: 'invalid', field: '', message: 'unreadable' };
    }
    return ndjsonRow(raw.line ?? '');
  };
}

/** The call a failed-rows line carries: what was read, so the file can be imported again. */
function failedLine(
  files: readonly InputFile[],
  raw: Pick<RawRow, 'file' | 'row' | 'line'>,
  call: Record<string, unknown> | undefined,
  failure: Record<string, unknown>,
): Record<string, unknown> {
  const where = { file: (files[raw.file] as InputFile).name, row: raw.row };
  if (call) return { ...call, [FAILURE_KEY]: { ...where, ...failure } };
  return { [FAILURE_KEY]: { ...where, ...failure, line: raw.line } };
}

async function dryRun(
  files: InputFile[],
  convert: Convert,
  map: Map<string, string>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const reportPath = options.report ?? `${(files[0] as InputFile).name}.report.ndjson`;
  const report = new LineFile(reportPath);
  const client = newClient({
    apiKey: 'dry-run',
    fetch: () => Promise.reject(new Error('a dry run sends nothing')),
    ...mapping(options),
  });
  const counts: RowCounts = { accepted: 0, failed: 0, invalid: 0, skipped: 0 };
  const warnings: Record<string, number> = {};
  let read = 0;
  let bytes = 0;
  const progress = startProgress(
    options.progress ?? 'none',
    options.progressStream ?? process.stderr,
    (): ProgressState => ({
      rows: read,
      accepted: counts.accepted,
      failed: counts.invalid,
      skipped: counts.skipped,
      done: read,
      bytes,
      totalBytes: totalBytes(files),
    }),
    options.progressIntervalMs ?? 5_000,
  );
  try {
    for await (const raw of readRows(
      files,
      readOptions(options, map, (n) => (bytes += n)),
    )) {
      read++;
      if (options.signal?.aborted) break;
      const where = { file: (files[raw.file] as InputFile).name, row: raw.row };
      const outcome = convert(raw);
      if (outcome.kind === 'skip') {
        counts.skipped++;
        continue;
      }
      if (outcome.kind === 'invalid') {
        counts.invalid++;
        report.write({
          ...where,
          status: 'invalid',
          field: outcome.field,
          message: outcome.message,
        });
        continue;
      }
      try {
        const found = client.validate({
          type: outcome.type,
          message: outcome.message,
        } as OutgoingCall);
        // "accepted" in a dry run: would be sent.
        counts.accepted++;
        if (found.length > 0) {
          for (const warning of found) warnings[warning.code] = (warnings[warning.code] ?? 0) + 1;
          report.write({
            ...where,
            status: 'warning',
            warnings: found.map(({ code, field, message }) => ({ code, field, message })),
          });
        }
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        counts.invalid++;
        report.write({ ...where, status: 'invalid', ...firstIssue(error) });
      }
    }
  } finally {
    progress.stop();
    report.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    status: options.signal?.aborted ? 'interrupted' : 'dry-run',
    rows: { total: read, ...counts },
    warnings,
    run: { read, alreadyDone: 0, resent: 0, seconds, rowsPerSecond: Math.round(read / seconds) },
    report: reportPath,
  };
}

/** The client's mapping options, from the command line's. */
function mapping(options: ImportOptions): Pick<ConnectClientOptions, 'defaultCountry'> {
  return options.defaultCountry
    ? { defaultCountry: options.defaultCountry as ConnectClientOptions['defaultCountry'] }
    : {};
}

/** A client; an option it refuses (a base URL, a country) is a usage error. */
function newClient(clientOptions: ConnectClientOptions): ConnectClient {
  try {
    return new ConnectClient(clientOptions);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ImportUsageError(error.message.replace(/^ConnectClient: /, ''));
    }
    throw error;
  }
}

function firstIssue(error: ValidationError): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: issue?.path ?? '', message: issue?.message ?? error.message };
}

function readOptions(
  options: ImportOptions,
  map: Map<string, string>,
  onBytes: (n: number) => void,
) {
  return { ...(options.type ? { type: options.type } : {}), map, onBytes };
}

function totalBytes(files: readonly InputFile[]): number {
  return files.reduce((sum, file) => sum + file.size, 0);
}

/** Statuses after which Connect did not apply the request (its contract: "no processing is done"). */
function refusedWhole(status: number): boolean {
  return (status >= 400 && status < 500) || status === 500 || status === 503;
}

async function importRows(
  files: InputFile[],
  convert: Convert,
  map: Map<string, string>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  if (!options.apiKey) {
    throw new ImportUsageError(
      'no key: set CONNECT_API_KEY or pass --key-file (a file holding the key)',
    );
  }
  const first = (files[0] as InputFile).name;
  const checkpointPath = options.checkpoint ?? `${first}.checkpoint`;
  const failedPath = options.failedFile ?? `${first}.failed.ndjson`;
  if (options.restart) Checkpoint.remove(checkpointPath);
  const identity = {
    inputs: files.map((file) => ({
      name: resolve(file.name),
      size: file.size,
      mtimeMs: file.mtimeMs,
    })),
    options: {
      type: options.type ?? null,
      map: [...map],
      defaultCountry: options.defaultCountry ?? null,
    },
  };
  let failed: LineFile | undefined;
  const checkpoint = Checkpoint.load(checkpointPath, identity, WINDOW, {
    flush: () => (failed as LineFile).flush(),
    sync: () => (failed as LineFile).sync(),
  });
  const summaryOf = (
    status: ImportSummary['status'],
    run: Omit<ImportSummary['run'], 'seconds' | 'rowsPerSecond'>,
    reason?: string,
  ): ImportSummary => {
    const seconds = (performance.now() - started) / 1000;
    const { accepted, failed: refused, invalid, skipped } = checkpoint.counts;
    return {
      status,
      rows: { total: accepted + refused + invalid + skipped, ...checkpoint.counts },
      warnings,
      run: { ...run, seconds, rowsPerSecond: Math.round(run.read / seconds) },
      checkpoint: checkpointPath,
      failedRows: failedPath,
      ...(reason ? { reason } : {}),
    };
  };
  const warnings: Record<string, number> = {};
  if (checkpoint.complete) {
    return summaryOf('already-complete', { read: 0, alreadyDone: 0, resent: 0 });
  }
  try {
    failed = new LineFile(failedPath, checkpoint.failedBytes);
  } catch (error) {
    throw new ImportUsageError(
      `cannot write ${failedPath}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  const failedRows = failed;
  try {
    await checkpoint.commit();
  } catch (error) {
    throw new ImportUsageError(
      `cannot write the checkpoint ${checkpointPath}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }

  // Stopping: nothing new goes out; what is in flight may finish; the rest waits for a rerun.
  let stopping: { status: 'stopped' | 'interrupted'; reason: string } | undefined;
  let wakeStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wakeStopped = resolve;
  });
  const stop = (status: 'stopped' | 'interrupted', reason: string) => {
    if (stopping) return;
    stopping = { status, reason };
    wakeStopped();
  };
  const onAbort = () => stop('interrupted', 'interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  // Requests resent under the GUID a crashed run gave them: the client's GUID → the saved one.
  const guidOf = new Map<string, string>();
  let resending: { guid: string; rows: ReadonlySet<number> } | undefined;
  const limiter = options.rate ? new RateLimiter(options.rate) : undefined;
  const baseFetch: FetchLike = options.fetch ?? globalThis.fetch.bind(globalThis);
  const notSent = () => new Error('the import is stopping: the request was not sent');
  const hookedFetch: FetchLike = async (url, init) => {
    const headers = init.headers as Record<string, string>;
    const clientGuid = headers['X-Outbound-GUID'] as string;
    const guid = guidOf.get(clientGuid) ?? clientGuid;
    if (stopping) throw notSent();
    const before = checkpoint.requestSending(guid);
    try {
      // The request and its rows are on disk before it leaves…
      await checkpoint.commit();
      // …and it leaves no sooner than --rate allows (waiting after the commit, which requests
      // share, so that they do not leave in a bunch when it ends).
      if (limiter) await limiter.wait(init.signal);
    } catch (error) {
      checkpoint.requestNotSent(guid, before);
      throw error;
    }
    if (stopping || init.signal?.aborted) {
      checkpoint.requestNotSent(guid, before);
      throw notSent();
    }
    if (guid === clientGuid) return baseFetch(url, init);
    return baseFetch(url, { ...init, headers: { ...headers, 'X-Outbound-GUID': guid } });
  };

  const concurrency = options.concurrency ?? 4;
  const client = newClient({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    fetch: hookedFetch,
    maxConcurrentRequests: concurrency,
    maxQueueSize: WINDOW + 1,
    // A request waiting for its turn under --rate must not time out before it is sent.
    timeout:
      (options.timeout ?? 10_000) +
      (options.rate ? Math.ceil((concurrency * 1000) / options.rate) : 0),
    ...mapping(options),
  });
  const open = new Map<number, OpenRow>();
  client.on('request', ({ requestId, attempt, path, messageIds }) => {
    if (attempt !== 1) return;
    const rows = messageIds.map(Number);
    let guid = requestId;
    if (resending && sameRows(rows, resending.rows)) {
      guid = resending.guid;
      guidOf.set(requestId, guid);
    }
    checkpoint.requestBuilt(guid, path, rows);
  });
  client.on('response', ({ requestId, status }) => {
    const guid = guidOf.get(requestId) ?? requestId;
    if (status >= 200 && status < 300) checkpoint.requestAnswered(guid, true);
    else if (refusedWhole(status)) checkpoint.requestAnswered(guid, false);
  });
  client.on('delivered', ({ messageId }) => {
    open.delete(Number(messageId));
  });
  client.on('warning', ({ warning }) => {
    warnings[warning.code] = (warnings[warning.code] ?? 0) + 1;
  });
  client.on('error', ({ messageId, error }) => {
    const row = Number(messageId);
    const entry = open.get(row);
    if (!entry || stopping) return; // left for the next run
    if (error instanceof BadRequestError || error instanceof PayloadTooLargeError) {
      // Refused alone (the client halves a refused batch down to the row): the row's own fault.
      open.delete(row);
      failedRows.write(
        failedLine(files, entry, entry.call, {
          status: error.status,
          code: error.code,
          error: error.message,
        }),
      );
      checkpoint.settle(row, 'failed');
      return;
    }
    // The key was refused, or Connect stayed unreachable through every retry: every later row
    // would fail the same way, so the import stops and a rerun continues from here.
    stop('stopped', `${error.name}: ${error.message}`);
  });

  const invalid = (index: number, raw: RawRow, failure: Record<string, unknown>, call?: object) => {
    failedRows.write(failedLine(files, raw, call as Record<string, unknown>, failure));
    checkpoint.settle(index, 'invalid');
  };
  /** Sends a row, or settles it at once when it cannot be sent. */
  const handle = (index: number, raw: RawRow) => {
    const outcome = convert(raw);
    if (outcome.kind === 'skip') {
      checkpoint.settle(index, 'skipped');
      return;
    }
    if (outcome.kind === 'invalid') {
      invalid(
        index,
        raw,
        { code: 'invalid_row', field: outcome.field, error: outcome.message },
        outcome.call,
      );
      return;
    }
    outcome.message.messageId = String(index);
    try {
      // The call's promise is not needed: events report the outcome, and it is marked handled.
      void client[outcome.type](outcome.message as never);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { field, message } = firstIssue(error);
      invalid(index, raw, { code: error.code, field, error: message }, outcome.call);
      return;
    }
    open.set(index, { file: raw.file, row: raw.row, call: outcome.call });
  };

  // A crashed run's unanswered requests go first, whole, under their GUIDs: nothing of their
  // users was sent after them, so nothing may be sent before them now.
  const ambiguous = [...checkpoint.ambiguous()].sort((a, b) => (a.rows[0] ?? 0) - (b.rows[0] ?? 0));
  const resendRows = new Map<number, number>();
  ambiguous.forEach((request, i) => {
    for (const row of request.rows) resendRows.set(row, i);
  });
  const lastResendRow = Math.max(-1, ...resendRows.keys());
  const held: Array<{ index: number; raw: RawRow }> = [];
  const heldForResend = ambiguous.map(() => [] as Array<{ index: number; raw: RawRow }>);
  let resent = 0;
  const resendAll = async () => {
    for (const [i, request] of ambiguous.entries()) {
      if (stopping) return;
      resending = { guid: request.guid, rows: new Set(request.rows) };
      for (const { index, raw } of heldForResend[i] ?? []) handle(index, raw);
      resent += heldForResend[i]?.length ?? 0;
      await Promise.race([client.flush(), stopped]);
      resending = undefined;
    }
    for (const { index, raw } of held.splice(0)) handle(index, raw);
  };

  let bytes = 0;
  let read = 0;
  let alreadyDone = 0;
  const countsBefore = { ...checkpoint.counts };
  const doneThisRun = () =>
    (Object.keys(countsBefore) as Array<keyof RowCounts>).reduce(
      (sum, key) => sum + checkpoint.counts[key] - countsBefore[key],
      0,
    );
  const progress = startProgress(
    options.progress ?? 'none',
    options.progressStream ?? process.stderr,
    (): ProgressState => ({
      rows: read,
      accepted: checkpoint.counts.accepted,
      failed: checkpoint.counts.failed + checkpoint.counts.invalid,
      skipped: checkpoint.counts.skipped,
      done: alreadyDone + doneThisRun(),
      bytes,
      totalBytes: totalBytes(files),
    }),
    options.progressIntervalMs ?? 5_000,
  );
  let index = -1;
  let resendPending = lastResendRow >= 0;
  let readAll = false;
  try {
    for await (const raw of readRows(
      files,
      readOptions(options, map, (n) => (bytes += n)),
    )) {
      index++;
      read++;
      if (stopping) break;
      if (checkpoint.isDone(index)) {
        alreadyDone++;
        continue;
      }
      if (resendPending) {
        const request = resendRows.get(index);
        if (request !== undefined) heldForResend[request]?.push({ index, raw });
        else held.push({ index, raw });
        if (index === lastResendRow) {
          resendPending = false;
          await resendAll();
        }
        continue;
      }
      while (index - checkpoint.low >= WINDOW && !stopping) {
        await Promise.race([checkpoint.whenAdvanced(), stopped]);
      }
      if (stopping) break;
      handle(index, raw);
    }
    if (resendPending && !stopping) await resendAll();
    readAll = !stopping;
    if (!stopping) await Promise.race([client.flush(), stopped]);
  } finally {
    // In flight requests get a moment to be answered; what is left waits for the next run.
    await client.close({ timeout: stopping ? 2_000 : 10_000 });
    options.signal?.removeEventListener('abort', onAbort);
    checkpoint.complete = readAll && !stopping && checkpoint.low === index + 1;
    await checkpoint.commit();
    progress.stop();
    failedRows.close();
  }
  const run = { read, alreadyDone, resent };
  if (stopping) return summaryOf(stopping.status, run, stopping.reason);
  if (!checkpoint.complete) {
    return summaryOf('stopped', run, 'some rows were not delivered in time; rerun to continue');
  }
  return summaryOf('complete', run);
}

function sameRows(rows: readonly number[], expected: ReadonlySet<number>): boolean {
  return rows.length === expected.size && rows.every((row) => expected.has(row));
}
