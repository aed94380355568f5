#!/usr/bin/env node
/**
 * `zendesk-connect import <file…>`: a resumable bulk import into Connect. See docs/import.md.
 *
 * Exit codes: 0 every row done and none failed; 1 done, some rows failed (see the failed-rows
 * file), or a dry run found rows that would fail; 2 a usage or input problem (nothing sent, or
 * nothing more); 3 stopped because Connect refused the key or stayed unreachable (rerun to
 * continue); 4 an unexpected error; 130 / 143 interrupted by SIGINT / SIGTERM (rerun to continue).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from 'zendesk-connect';
import { type ImportOptions, type ImportSummary, runImport } from './import/import';
import { ImportUsageError } from './import/inputs';
import type { ProgressMode } from './import/progress';

const NAME = 'zendesk-connect import';

function fail(message: string, code: number): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

// A key on the command line lands in shell history and in every `ps` listing.
if (process.argv.some((arg) => /^--(api-?)?key(=|$)/i.test(arg))) {
  fail(
    'the key is never taken from the command line (shell history, ps): set CONNECT_API_KEY or pass --key-file',
    2,
  );
}

const positive = (name: string, whole: boolean, max = Number.POSITIVE_INFINITY) => {
  return (value: string) => {
    const n = Number(value);
    if (!(n > 0) || n > max || (whole && !Number.isInteger(n))) {
      const what = whole ? `a whole number from 1 to ${max}` : 'a number above 0';
      throw new InvalidArgumentError(`${name} must be ${what}, not ${value}`);
    }
    return n;
  };
};

const program = new Command('zendesk-connect')
  .description('Zendesk Connect from the command line')
  .version(VERSION)
  .exitOverride()
  .configureOutput({
    outputError: (message, write) => write(`${message.replace(/^error: /, `${NAME}: `).trim()}\n`),
  });

program
  .command('import')
  .description(
    'Import users and events into Connect: NDJSON of Segment calls (Segment archives, .gz too) or CSV. Resumable: rerun the same command after a crash or Ctrl-C.',
  )
  .argument('<file...>', 'NDJSON (.ndjson, .jsonl, .json, any other name) or CSV (.csv); .gz too')
  .addOption(
    new Option(
      '--type <kind>',
      'what CSV files hold: users (a column per trait) or events',
    ).choices(['users', 'events']),
  )
  .option(
    '--map <Column=name>',
    "rename a CSV column, e.g. --map 'E-mail=email' (repeatable; 'Column=' drops it)",
    (value: string, all: string[]) => [...all, value],
    [] as string[],
  )
  .option('--dry-run', 'validate and map every row, write a report, send nothing')
  .option('--rate <n>', 'at most n requests a second', positive('--rate', false))
  .option(
    '--concurrency <n>',
    'requests in flight at once, 1-64 (default 4)',
    positive('--concurrency', true, 64),
  )
  .option('--key-file <file>', 'read the key from a file (else CONNECT_API_KEY)')
  .option('--base-url <url>', "Connect's base URL (an emulator's, for a rehearsal)")
  .option('--default-country <CC>', 'country for phone numbers without a country code, e.g. US')
  .option('--checkpoint <file>', 'checkpoint file (default <first file>.checkpoint)')
  .option('--restart', 'forget the checkpoint and import from the start')
  .option('--failed <file>', 'failed-rows file, NDJSON (default <first file>.failed.ndjson)')
  .option('--report <file>', 'dry-run report, NDJSON (default <first file>.report.ndjson)')
  .option('--json', 'print the summary as JSON')
  .addOption(
    new Option('--progress <mode>', 'progress on stderr: a bar on a terminal, else lines')
      .choices(['auto', 'bar', 'lines', 'none'])
      .default('auto'),
  )
  .option(
    '--progress-interval <seconds>',
    'seconds between progress lines (default 5)',
    positive('--progress-interval', false),
  )
  .addHelpText(
    'after',
    `
The key comes from CONNECT_API_KEY or --key-file, never from the command line.
Progress goes to stderr, the summary to stdout. Rows that fail go to the failed-rows file, as
Segment calls with an "_import" note: fix them and import that file.

Exit codes: 0 done; 1 done, some rows failed (or would, in a dry run); 2 usage or input error;
3 stopped: Connect refused the key or stayed unreachable (rerun to continue); 4 unexpected
error; 130/143 interrupted (rerun to continue).

Examples:
  CONNECT_API_KEY=… zendesk-connect import users.csv --type users --map 'E-mail=email'
  zendesk-connect import --key-file key.txt segment-archive/*.gz --rate 20
  zendesk-connect import events.csv --type events --dry-run`,
  )
  .action(async (files: string[], flags: Record<string, unknown>) => {
    process.exitCode = await importCommand(files, flags);
  });

async function importCommand(files: string[], flags: Record<string, unknown>): Promise<number> {
  const progress =
    flags.progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : flags.progress;
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // The first asks for a clean stop (checkpoint saved); a second one leaves at once, which is
    // safe too: every request was on disk before it went out.
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    process.stderr.write(`\n${NAME}: ${signal}: stopping; rerun the same command to continue\n`);
    controller.abort();
    interruptedBy = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const options: ImportOptions = {
    files,
    map: flags.map as string[],
    dryRun: flags.dryRun === true,
    restart: flags.restart === true,
    progress: progress as ProgressMode,
    signal: controller.signal,
    ...pick(flags, [
      'type',
      'rate',
      'concurrency',
      'checkpoint',
      'report',
      'baseUrl',
      'defaultCountry',
    ]),
    ...(flags.failed ? { failedFile: flags.failed as string } : {}),
    ...(flags.progressInterval
      ? { progressIntervalMs: (flags.progressInterval as number) * 1000 }
      : {}),
  };
  if (!options.dryRun) {
    const key = readKey(flags.keyFile as string | undefined);
    if (key) options.apiKey = key;
  }
  let summary: ImportSummary;
  try {
    summary = await runImport(options);
  } catch (error) {
    if (error instanceof ImportUsageError) fail(error.message, 2);
    fail(`unexpected error: ${(error as Error).message}`, 4);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : describe(summary));
  if (summary.status === 'interrupted') return interruptedBy === 'SIGTERM' ? 143 : 130;
  if (summary.status === 'stopped') return 3;
  return summary.rows.failed + summary.rows.invalid > 0 ? 1 : 0;
}

function pick(flags: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (flags[name] !== undefined) picked[name] = flags[name];
  return picked;
}

/** The key: `--key-file`'s content, else CONNECT_API_KEY. Never echoed. */
function readKey(file: string | undefined): string | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      fail(`cannot read --key-file ${file}: ${(error as NodeJS.ErrnoException).code}`, 2);
    }
    const key = text.trim();
    if (!key) fail(`--key-file ${file} is empty`, 2);
    return key;
  }
  const key = process.env.CONNECT_API_KEY?.trim();
  return key || undefined;
}

/** The summary as a person reads it. */
function describe(summary: ImportSummary): string {
  const { rows, run } = summary;
  const head: Record<ImportSummary['status'], string> = {
    complete: 'import complete',
    'already-complete': 'import already complete (pass --restart to import again)',
    stopped: 'import stopped',
    interrupted: 'import interrupted',
    'dry-run': 'dry run (nothing sent)',
  };
  const sent = summary.status === 'dry-run' ? 'would be sent' : 'accepted';
  const lines = [
    `${head[summary.status]}${summary.reason && summary.status === 'stopped' ? `: ${summary.reason}` : ''}`,
    `  rows: ${rows.total} — ${rows.accepted} ${sent}, ${rows.failed} refused by Connect, ${rows.invalid} invalid, ${rows.skipped} skipped`,
  ];
  const warned = Object.entries(summary.warnings);
  if (warned.length > 0) {
    lines.push(`  warnings: ${warned.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  if (run.alreadyDone > 0 || run.resent > 0) {
    lines.push(
      `  resumed: ${run.alreadyDone} rows done before, ${run.resent} rows of unanswered requests resent under their GUIDs`,
    );
  }
  lines.push(
    `  this run: ${run.read} rows in ${run.seconds.toFixed(1)} s (${run.rowsPerSecond} rows/s)`,
  );
  if (summary.report) lines.push(`  report: ${summary.report}`);
  if (summary.failedRows && rows.failed + rows.invalid > 0) {
    lines.push(`  failed rows: ${summary.failedRows} (fix them, then import that file)`);
  }
  if (summary.checkpoint && summary.status !== 'dry-run') {
    lines.push(`  checkpoint: ${summary.checkpoint}`);
  }
  if (summary.status === 'stopped' || summary.status === 'interrupted') {
    lines.push('  rerun the same command to continue where it stopped');
  }
  return `${lines.join('\n')}\n`;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; anything else is a usage error, already printed.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  fail(`unexpected error: ${(error as Error).message}`, 4);
}
