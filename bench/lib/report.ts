/** What each benchmark returns, and how the suite prints it and writes it as Markdown. */
import { pathToFileURL } from 'node:url';

/** A target from the issue, judged from the measured figures. */
export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

/** One benchmark's results: a table, the targets it checks, and what was measured how. */
export interface Section {
  title: string;
  /** What was measured and how, in a sentence or two of Markdown. */
  about: string;
  rows: Array<Record<string, string | number>>;
  targets: Target[];
  /** What the README quotes of it, a sentence or so of Markdown (the real run writes it there). */
  readme?: string;
}

/** Options every benchmark takes. */
export interface BenchOptions {
  /** A smoke run: small inputs, one round. Its figures mean nothing. */
  quick: boolean;
}

/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile of `values`, nearest rank (NaN for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** `n` rounded to `digits` decimals, as a number for tables. */
export const round = (n: number, digits = 0): number => +n.toFixed(digits);

/** A Markdown table of `rows`, columns in the order their keys first appear. */
export function markdownTable(rows: ReadonlyArray<Record<string, string | number>>): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) =>
    value === undefined ? '—' : String(value).replaceAll('|', '\\|');
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => cell(row[column])).join(' | ')} |`),
  ].join('\n');
}

/** The targets of every section as one table. */
export function targetTable(sections: readonly Section[]): string {
  return markdownTable(
    sections.flatMap((section) =>
      section.targets.map((target) => ({
        target: target.name,
        goal: target.target,
        measured: target.measured,
        met: target.met ? 'met' : '**not met**',
      })),
    ),
  );
}

/** Prints a section to the console as the suite goes. */
export function printSection(section: Section): void {
  console.log(`\n## ${section.title}`);
  console.table(section.rows);
  for (const target of section.targets) {
    console.log(
      `${target.met ? 'met    ' : 'NOT MET'}  ${target.name}: ${target.measured} (target ${target.target})`,
    );
  }
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && url === pathToFileURL(script).href;
}

/** Runs one benchmark as a script: `--quick` from argv, the section printed. */
export async function runAlone(measure: (options: BenchOptions) => Promise<Section>) {
  printSection(await measure({ quick: process.argv.includes('--quick') }));
}
