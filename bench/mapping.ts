/**
 * Mappings per second over 10,000 distinct messages, beside a JSON round-trip (parse + stringify)
 * of the same messages in the same run. Run: `npm run bench:mapping` (`-- --quick` for a smoke run).
 */
import { Bench } from 'tinybench';
import { makeCorpus } from './corpus';
import { type BenchOptions, isMain, round, runAlone, type Section } from './lib/report';
import { zendeskConnect } from './package';

const { mapAlias, mapIdentify, mapTrack } = zendeskConnect;

/** An identify may cost at most this many JSON round-trips of the same message. */
const TARGET = 10;

export async function measureMapping({ quick }: BenchOptions): Promise<Section> {
  const size = quick ? 1_000 : 10_000;
  const corpus = makeCorpus(size);
  const options = { defaultCountry: 'US', now: () => 1_767_225_600_000 } as const;
  const roundTrip = (messages: readonly unknown[]) => () => {
    for (const message of messages) JSON.parse(JSON.stringify(message));
  };
  const bench = new Bench({ time: quick ? 200 : 3_000, warmup: true });
  bench
    .add('identify: JSON round-trip', roundTrip(corpus.identifies))
    .add('identify: map', () => {
      for (const message of corpus.identifies) mapIdentify(message, options);
    })
    .add('track: JSON round-trip', roundTrip(corpus.tracks))
    .add('track: map', () => {
      for (const message of corpus.tracks) mapTrack(message, options);
    })
    .add('alias: JSON round-trip', roundTrip(corpus.aliases))
    .add('alias: map', () => {
      for (const message of corpus.aliases) mapAlias(message, options);
    });
  await bench.run();

  const perSecond = (name: string) => {
    const result = bench.getTask(name)?.result;
    if (!result || !('latency' in result)) throw new Error(`${name} did not complete`);
    return size / (result.latency.mean / 1000);
  };
  const rows = (['identify', 'track', 'alias'] as const).map((call) => {
    const floor = perSecond(`${call}: JSON round-trip`);
    const mapped = perSecond(`${call}: map`);
    return {
      call,
      'mappings/s': round(mapped),
      'JSON round-trips/s (floor)': round(floor),
      'cost (× floor)': round(floor / mapped, 2),
    };
  });
  const identifyCost = rows[0]?.['cost (× floor)'] ?? Number.NaN;
  return {
    title: 'Mapping',
    about: `${size.toLocaleString('en')} distinct generated Segment-style messages of each kind through \`mapIdentify\`, \`mapTrack\` and \`mapAlias\` (validation, phone and time zone normalisation included), beside \`JSON.parse(JSON.stringify(message))\` of the same messages (tinybench, mean of ${quick ? 'a short' : 'a 3 s'} run each).`,
    rows,
    targets: [
      {
        name: 'identify mapping cost',
        target: `≤ ${TARGET}× a JSON round-trip`,
        measured: `${identifyCost}×`,
        met: identifyCost <= TARGET,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureMapping);
