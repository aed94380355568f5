/**
 * An NDJSON file written line by line, buffered: the failed-rows file and the dry-run report.
 * It can be opened cut back to a length (what the checkpoint counted), so a resumed import never
 * writes a row twice.
 */
import { closeSync, fdatasync, ftruncateSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 64 * 1024;

export class LineFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  /** Bytes written to the file (buffered lines not included). */
  private length: number;
  /** Lines written this run. */
  lines = 0;
  /** Bytes known to be on disk. */
  private synced: number;

  /** Opens `path` (created if missing), cut to `length` bytes. */
  constructor(
    readonly path: string,
    length = 0,
  ) {
    this.fd = openSync(path, 'a+');
    ftruncateSync(this.fd, length);
    this.length = length;
    this.synced = length;
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.buffer.push(line);
    this.buffered += line.length;
    this.lines++;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  /** Writes the buffered lines to the file; returns its length. */
  flush(): number {
    if (this.buffer.length > 0) {
      this.length += writeSync(this.fd, this.buffer.join(''));
      this.buffer = [];
      this.buffered = 0;
    }
    return this.length;
  }

  /** Flushes, then waits until the content is on disk; resolves with the length. */
  sync(): Promise<number> {
    const length = this.flush();
    // Most commits come with no new line: no fsync for them.
    if (length === this.synced) return Promise.resolve(length);
    return new Promise((resolve, reject) =>
      fdatasync(this.fd, (error) => {
        if (error) return reject(error);
        this.synced = Math.max(this.synced, length);
        resolve(length);
      }),
    );
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
