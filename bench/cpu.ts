/**
 * The cost of being an SDK: CPU time per message with a `fetch` that answers 200 at once (no
 * network, no server), beside `JSON.stringify` of the same wire bodies, 100 a request as they
 * are sent, measured in the same process between the contender's runs. Every contender of
 * bench/contenders.ts but `outbound` (whose HTTP client cannot be replaced) is fed the same
 * calls as in the delivery benchmark, each in a process of its own (bench/probe.ts). CPU time is
 * the process's (user + system, `process.cpuUsage()`): a busy machine's other processes do not
 * count, while this process's garbage collection does.
 * Run: `npx tsx bench/cpu.ts` (`--quick` for a smoke run).
 */
import { CONTENDERS } from './contenders';
import { paired, probe, workloads } from './delivery';
import { type BenchOptions, isMain, median, round, runAlone, type Section } from './lib/report';

const TARGET = 4;

export async function measureCpu({ quick }: BenchOptions): Promise<Section> {
  const rounds = quick ? 1 : 5;
  const warmups = quick ? 0 : 2;
  const runs = quick ? 1 : 3;
  const contenders = CONTENDERS.filter(({ id }) => id !== 'outbound');
  const rows: Section['rows'] = [];
  const targets: Section['targets'] = [];
  const quoted: string[] = [];
  for (const work of workloads(quick)) {
    const seen = new Map<string, Array<{ cpu: number; unit: number }>>(
      contenders.map(({ id }) => [id, []]),
    );
    for (let r = 0; r < rounds; r++) {
      const shift = r % contenders.length;
      for (const contender of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
        const args = [contender.id, work.name, String(quick), String(warmups), String(runs)];
        seen.get(contender.id)?.push(await probe<{ cpu: number; unit: number }>(['cpu', ...args]));
      }
    }
    const units = [...seen.values()].flat().map(({ unit }) => unit);
    rows.push({
      call: work.name,
      path: 'JSON.stringify of the wire bodies, 100 a request (the unit)',
      'µs CPU / message': round(median(units), 2),
      '× stringify': 1,
      'middle half': '—',
    });
    for (const contender of contenders) {
      const own = seen.get(contender.id) ?? [];
      const ratio = paired(own.map(({ cpu, unit }) => cpu / unit));
      const cpu = median(own.map((result) => result.cpu));
      rows.push({
        call: work.name,
        path: contender.name,
        'µs CPU / message': round(cpu, 2),
        '× stringify': round(ratio.median, 2),
        'middle half': ratio.spread,
      });
      if (work.name === 'track' && contender.id !== 'floor') {
        quoted.push(
          contender.id === 'client'
            ? `**${round(ratio.median, 1)}×** (${round(cpu, 1)} µs)`
            : `${contender.name.split(' (')[0]} ${round(ratio.median, 1)}×`,
        );
      }
      if (contender.id === 'client' && work.name === 'track') {
        targets.push({
          name: 'client CPU per track vs `JSON.stringify` of its wire body',
          target: `≤ ${TARGET}×`,
          measured: `${round(ratio.median, 2)}× (${round(cpu, 2)} µs vs ${round(median(own.map(({ unit }) => unit)), 2)} µs; middle half ${ratio.spread})`,
          met: ratio.median <= TARGET,
        });
      }
    }
  }
  return {
    title: 'CPU per message (the cost of being an SDK)',
    about: `The same calls as in the delivery benchmark, fed the same way, to contenders whose \`fetch\` answers 200 at once (a resolved promise of a \`Response\` with no body: no network). Each contender runs in a process of its own; there it makes ${warmups} warm-up runs, then ${runs} measured runs, each followed by the unit: \`JSON.stringify\` of the same wire bodies (built by renames, as the floor builds them), 100 a request. CPU time is the process's (user + system) from the first call until the contender's flush resolved, per message, garbage collection included; medians of the process's runs. ${quick ? 'One round.' : `${rounds} rounds, a process per contender each, in a rotating order; \`× stringify\` is the median over the rounds of each process's ratio, \`middle half\` their 25th–75th percentiles.`} \`outbound\` is left out: its HTTP client cannot be replaced.`,
    rows,
    targets,
    readme: `Its CPU per track, everything from the call to the settled promise, is ${quoted[0]} \`JSON.stringify\` of the wire body (${quoted.slice(1).join(', ')}).`,
  };
}

if (isMain(import.meta.url)) await runAlone(measureCpu);
