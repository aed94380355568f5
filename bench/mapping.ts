/**
 * Mappings per second over 10,000 distinct messages, beside a JSON round-trip (parse + stringify)
 * of the same messages in the same run. Run: `npm run bench:mapping` (`-- --quick` for a smoke run).
 */
import { Bench } from 'tinybench';
import { mapAlias, mapIdentify, mapTrack } from '../src/index';
import { makeCorpus } from './corpus';

const quick = process.argv.includes('--quick');
const SIZE = quick ? 1_000 : 10_000;
const corpus = makeCorpus(SIZE);
const options = { defaultCountry: 'US', now: () => 1_767_225_600_000 } as const;

const roundTrip = (messages: readonly unknown[]) => () => {
  for (const message of messages) JSON.parse(JSON.stringify(message));
};

const bench = new Bench({ time: quick ? 200 : 3_000, warmup: true });
bench
  .add('identify: JSON round-trip', roundTrip(corpus.identifies))
  .add('identify: mapIdentify', () => {
    for (const message of corpus.identifies) mapIdentify(message, options);
  })
  .add('track: JSON round-trip', roundTrip(corpus.tracks))
  .add('track: mapTrack', () => {
    for (const message of corpus.tracks) mapTrack(message, options);
  })
  .add('alias: JSON round-trip', roundTrip(corpus.aliases))
  .add('alias: mapAlias', () => {
    for (const message of corpus.aliases) mapAlias(message, options);
  });

await bench.run();

const perSecond = (name: string) => {
  const task = bench.getTask(name);
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`${name} did not complete`);
  return SIZE / (result.latency.mean / 1000);
};

const rows = (['identify', 'track', 'alias'] as const).map((call) => {
  const floor = perSecond(`${call}: JSON round-trip`);
  const mapped = perSecond(`${call}: map${call[0]?.toUpperCase()}${call.slice(1)}`);
  return {
    call,
    mapsPerSecond: Math.round(mapped),
    jsonRoundTripsPerSecond: Math.round(floor),
    'cost (× JSON round-trip)': +(floor / mapped).toFixed(2),
  };
});
console.log(`mapping over ${SIZE} distinct messages (node ${process.version})`);
console.table(rows);
const identify = rows[0]!;
const target = 10;
const met = identify['cost (× JSON round-trip)'] <= target;
console.log(
  `identify costs ${identify['cost (× JSON round-trip)']}× a JSON round-trip: target ≤ ${target}× ${met ? 'met' : 'NOT met'}`,
);
if (!quick && !met) process.exitCode = 1;
