import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch } from './support';

const FIXTURES = 'test/import/fixtures';
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('zendesk-connect import --dry-run', () => {
  it('reports exactly the rows that would fail, with field, message and warning codes', async () => {
    const report = join(scratch(), 'report.ndjson');
    const archive = `${FIXTURES}/segment-archive.ndjson`;
    // No key, no server: a dry run sends nothing.
    const { code, stdout } = await runCli([
      'import',
      archive,
      '--dry-run',
      '--report',
      report,
      '--json',
      '--progress',
      'none',
    ]);
    expect(code).toBe(1); // rows would fail
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'dry-run',
      rows: { total: 13, accepted: 4, invalid: 7, skipped: 2, failed: 0 },
      warnings: { invalid_email: 1, invalid_timezone: 1 },
      report,
    });
    const at = (row: number) => ({ file: archive, row });
    expect(lines(report)).toEqual([
      {
        ...at(2),
        status: 'invalid',
        field: 'userId',
        message: 'identify: `userId` or `anonymousId` is required',
      },
      {
        ...at(3),
        status: 'invalid',
        field: 'event',
        message: 'track: `event` must be a non-empty string of at most 200 characters',
      },
      {
        ...at(4),
        status: 'invalid',
        field: 'timestamp',
        message:
          'is required in an import (timestamp or originalTimestamp): without it the event would be stamped with the time of the import',
      },
      // Line 5 is blank: passed over, but counted, so rows are line numbers.
      { ...at(6), status: 'invalid', field: '', message: 'is not valid JSON' },
      {
        ...at(7),
        status: 'warning',
        warnings: [
          {
            code: 'invalid_email',
            field: 'traits.email',
            message:
              'identify: `traits.email` does not look like an email address; it was sent as given',
          },
          {
            code: 'invalid_timezone',
            field: 'traits.timezone',
            message:
              'identify: `traits.timezone` is not an IANA time zone name such as Europe/Berlin; it was not sent',
          },
        ],
      },
      // 8 and 9 (page, screen) are skipped: Connect has no use for them.
      {
        ...at(10),
        status: 'invalid',
        field: 'type',
        message:
          'must be one of identify, track, alias, group (page and screen are skipped), not "purchase"',
      },
      {
        ...at(11),
        status: 'invalid',
        field: 'previousId',
        message: 'alias: `previousId` must differ from `userId`',
      },
      {
        ...at(13),
        status: 'invalid',
        field: '',
        message: 'must be a JSON object (a Segment call)',
      },
    ]);
  }, 30_000);

  it('reads CSV through --map (renamed and dropped columns, a multi-line cell)', async () => {
    const dir = scratch();
    const users = `${FIXTURES}/users.csv`;
    const map = ['--map', 'Customer ID=userId', '--map', 'E-mail=email', '--map', 'Notes='];
    const report = join(dir, 'users-report.ndjson');
    const run = await runCli(
      ['import', users, '--type', 'users', ...map, '--dry-run', '--report', report, '--json'],
      { env: { CONNECT_API_KEY: 'never-used' } },
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).rows).toEqual({
      total: 5,
      accepted: 3,
      failed: 0,
      invalid: 2,
      skipped: 0,
    });
    expect(lines(report)).toEqual([
      {
        file: users,
        row: 3,
        status: 'invalid',
        field: 'userId',
        message: 'identify: `userId` or `anonymousId` is required',
      },
      {
        file: users,
        row: 4,
        status: 'warning',
        warnings: [
          {
            code: 'invalid_email',
            field: 'traits.email',
            message:
              'identify: `traits.email` does not look like an email address; it was sent as given',
          },
        ],
      },
      {
        file: users,
        row: 5,
        status: 'invalid',
        field: '',
        message: 'has a different number of fields than the header',
      },
    ]);
    // Non-TTY progress: plain lines on stderr, no terminal escapes.
    expect(run.stderr).toMatch(
      /^progress 100\.0% \| 5 rows \| \d+ rows\/s \| accepted 3 \| failed 2 \| skipped 0 \| ETA 0s$/m,
    );
    expect(run.stderr).not.toContain('\u001b[');
  }, 30_000);
});
