#!/usr/bin/env node
/**
 * `connect-redis <status|dead-letters|redrive> [--url redis://…] [--prefix zc] [--partitions 16]`:
 * the Redis queue's state, its dead letters, and sending them again.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { connectRedisStatus, listDeadLetters, redriveDeadLetters } from './admin';

const HELP = `connect-redis: inspect the zendesk-connect Redis queue

  connect-redis status         per partition: depth, in flight, lag, oldest age, dead letters, holder
  connect-redis dead-letters   messages that finally failed, with their errors
  connect-redis redrive        move dead letters back to their streams, to be sent again

  --url URL          Redis to connect to (default $REDIS_URL, else redis://127.0.0.1:6379)
  --prefix P         key prefix (default zc)
  --partitions N     partition count (default 16)
  --partition N      dead-letters/redrive: only this partition
  --id ID            redrive: only this dead letter (repeatable; with --partition)
  --count N          dead-letters: at most N per partition (default 100)
  --json             print JSON`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    prefix: { type: 'string' },
    partitions: { type: 'string' },
    partition: { type: 'string' },
    id: { type: 'string', multiple: true },
    count: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const command = positionals[0];
if (values.help || !command || !['status', 'dead-letters', 'redrive'].includes(command)) {
  console.log(HELP);
  process.exit(values.help ? 0 : 2);
}

const number = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`connect-redis: --${name} must be a whole number, not ${value}`);
    process.exit(2);
  }
  return parsed;
};

const redis = new Redis(values.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: 1,
});
redis.on('error', () => {});
const base = {
  redis,
  ...(values.prefix ? { prefix: values.prefix } : {}),
  ...(values.partitions ? { partitions: number('partitions', values.partitions) as number } : {}),
};
const partition = number('partition', values.partition);
const count = number('count', values.count);

try {
  if (command === 'status') {
    const status = await connectRedisStatus(base);
    if (values.json) console.log(JSON.stringify(status, null, 2));
    else {
      console.table(
        status.partitions.map((p) => ({
          partition: p.partition,
          depth: p.depth,
          'in flight': p.inFlight,
          lag: p.lag,
          'oldest (s)': +(p.oldestAgeMs / 1000).toFixed(1),
          'dead letters': p.deadLetters,
          holder: p.owner ?? '—',
        })),
      );
      const paused = status.pausedUntil
        ? `; paused until ${new Date(status.pausedUntil).toISOString()}`
        : '';
      console.log(
        `total: ${status.totals.depth} queued, ${status.totals.inFlight} in flight, ${status.totals.lag} unread, ${status.totals.deadLetters} dead letters; ${status.workers.length} live worker(s)${paused}`,
      );
    }
  } else if (command === 'dead-letters') {
    const letters = await listDeadLetters({
      ...base,
      ...(partition !== undefined ? { partition } : {}),
      ...(count !== undefined ? { count } : {}),
    });
    if (values.json) console.log(JSON.stringify(letters, null, 2));
    else {
      for (const letter of letters) {
        console.log(
          `${letter.partition} ${letter.id} ${letter.type} ${letter.ids.join(',')} ${letter.error.name}: ${letter.error.message}`,
        );
      }
      console.log(`${letters.length} dead letter(s)`);
    }
  } else {
    const moved = await redriveDeadLetters({
      ...base,
      ...(partition !== undefined ? { partition } : {}),
      ...(values.id ? { ids: values.id } : {}),
    });
    console.log(values.json ? JSON.stringify({ moved }) : `${moved} dead letter(s) sent again`);
  }
} catch (error) {
  console.error(`connect-redis: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
