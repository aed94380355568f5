/**
 * Streams the rows of the input files, one after another: NDJSON split by lines, CSV parsed by
 * csv-parse, either of them gzipped. Nothing holds more than a chunk of a file and the row being
 * read, so a 10 GB file never sits in memory.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { type CsvRecord, REQUIRED_COLUMNS } from './rows';

/** A problem with the inputs or options that stops the import before or while reading. */
export class ImportUsageError extends Error {
  override readonly name = 'ImportUsageError';
}

/** One input file. */
export interface InputFile {
  /** As given on the command line: how reports name it. */
  name: string;
  format: 'ndjson' | 'csv';
  gzip: boolean;
  /** Bytes on disk (compressed, for `.gz`): what progress counts against. */
  size: number;
  /** Modification time, ms: with the size, what tells a checkpoint the file is unchanged. */
  mtimeMs: number;
}

/** A row as read, before it is understood. */
export interface RawRow {
  /** Index of its file in the inputs. */
  file: number;
  /** Line number in the file (1-based; for CSV the line where the record starts). */
  row: number;
  /** An NDJSON line. */
  line?: string;
  /** A CSV record, columns renamed. */
  record?: CsvRecord;
  /** Why the row cannot be read (a CSV record with the wrong number of fields). */
  problem?: string;
}

/** Options of {@link readRows}. */
export interface ReadOptions {
  /** What CSV files hold. */
  type?: 'users' | 'events';
  /** CSV column renames, `from` → `to` (`''` drops the column). */
  map?: ReadonlyMap<string, string>;
  /** Called with each chunk's size as it is read from disk. */
  onBytes?: (bytes: number) => void;
}

/** The inputs, checked: they exist, are files, and CSV ones have a `--type`. */
export function describeInputs(paths: readonly string[], type: string | undefined): InputFile[] {
  return paths.map((name) => {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(name);
    } catch (error) {
      throw new ImportUsageError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code}`);
    }
    if (!stats.isFile()) throw new ImportUsageError(`${name} is not a file`);
    const gzip = name.endsWith('.gz');
    const format = /\.csv(\.gz)?$/i.test(name) ? 'csv' : 'ndjson';
    if (format === 'csv' && !type) {
      throw new ImportUsageError(
        `${name} is CSV: say what it holds with --type users or --type events`,
      );
    }
    return { name, format, gzip, size: stats.size, mtimeMs: stats.mtimeMs };
  });
}

/** Every row of every file, in order. */
export async function* readRows(
  files: readonly InputFile[],
  options: ReadOptions = {},
): AsyncGenerator<RawRow> {
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as InputFile;
    const raw = createReadStream(file.name, { highWaterMark: 1 << 20 });
    if (options.onBytes) {
      const onBytes = options.onBytes;
      raw.on('data', (chunk) => onBytes((chunk as Buffer).length));
    }
    let stream: Readable = raw;
    if (file.gzip) {
      const gunzip = createGunzip();
      raw.on('error', (error) => gunzip.destroy(error));
      stream = raw.pipe(gunzip);
    }
    try {
      if (file.format === 'csv') yield* csvRows(stream, index, file.name, options);
      else yield* ndjsonRows(stream, index);
    } catch (error) {
      if (error instanceof ImportUsageError) throw error;
      const { code, message } = error as NodeJS.ErrnoException;
      throw new ImportUsageError(`cannot read ${file.name}: ${code ?? message}`);
    } finally {
      raw.destroy();
      stream.destroy();
    }
  }
}

const NEWLINE = 0x0a;

/** NDJSON lines: blank lines are passed over, but counted, so row numbers are line numbers. */
async function* ndjsonRows(stream: Readable, file: number): AsyncGenerator<RawRow> {
  let rest: Buffer | undefined;
  let row = 0;
  const lineOf = (bytes: Buffer): RawRow | undefined => {
    row++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--; // CRLF
    const line = bytes.toString('utf8', 0, end);
    return line.trim() === '' ? undefined : { file, row, line };
  };
  for await (const chunk of stream) {
    let buffer = chunk as Buffer;
    if (rest) {
      buffer = Buffer.concat([rest, buffer]);
      rest = undefined;
    }
    let start = 0;
    for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, start)) {
      const found = lineOf(buffer.subarray(start, at));
      start = at + 1;
      if (found) yield found;
    }
    if (start < buffer.length) rest = Buffer.from(buffer.subarray(start));
  }
  if (rest) {
    const found = lineOf(rest);
    if (found) yield found;
  }
}

async function* csvRows(
  stream: Readable,
  file: number,
  name: string,
  options: ReadOptions,
): AsyncGenerator<RawRow> {
  const type = options.type as 'users' | 'events';
  const map = options.map ?? new Map<string, string>();
  let headerLines = 1;
  const parser = stream.pipe(
    parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      columns: (header: string[]) => {
        const columns = header.map((column) => {
          const renamed = map.get(column) ?? map.get(column.trim()) ?? column.trim();
          return renamed === '' ? false : renamed;
        });
        const named = columns.filter((column): column is string => column !== false);
        const twice = named.find((column, i) => named.indexOf(column) !== i);
        if (twice !== undefined) {
          throw new ImportUsageError(`${name}: two columns are named ${twice} (after --map)`);
        }
        const missing = REQUIRED_COLUMNS[type].filter((column) => !named.includes(column));
        if (missing.length > 0) {
          throw new ImportUsageError(
            `${name}: a CSV of ${type} needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${named.join(', ')}); rename with --map 'Column=${missing[0]}'`,
          );
        }
        return columns as string[];
      },
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  let previousEnd: number | undefined;
  let previousEmpty = 0;
  let invalidLengths = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: CsvRecord;
    info: { lines: number; empty_lines: number; invalid_field_length: number };
  }>) {
    if (previousEnd === undefined) {
      // The header ends where the first record starts, less the blank lines between them.
      previousEnd = headerLines;
      headerLines = 0;
    }
    const row = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    if (info.invalid_field_length !== invalidLengths) {
      invalidLengths = info.invalid_field_length;
      yield { file, row, problem: 'has a different number of fields than the header' };
      continue;
    }
    yield { file, row, record };
  }
}

/** `--map` values (`From=to`, repeatable) as a map; `From=` drops the column. */
export function parseColumnMap(values: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    if (at <= 0) {
      throw new ImportUsageError(
        `--map takes Column=name (e.g. --map 'E-mail=email'), not ${JSON.stringify(value)}`,
      );
    }
    map.set(value.slice(0, at).trim(), value.slice(at + 1).trim());
  }
  return map;
}
