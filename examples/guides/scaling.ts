/** docs/scaling.md's snippets, type-checked. */
import type { MappingWarning } from 'zendesk-connect';

declare const env: { REDIS_URL: string; CONNECT_API_KEY: string };
declare const request: { user: { id: string }; anonymousId: string };

// #region producer
import { Redis } from 'ioredis';
import { createDurableConnect } from 'zendesk-connect/redis';

const redis = new Redis(env.REDIS_URL); // yours: the door never closes it
const connect = createDurableConnect({ redis, defaultCountry: 'US' });

// Same calls, same ValidationError, same warnings as ConnectClient; resolves once Redis has it.
const { messageId, partition } = await connect.track({
  userId: request.user.id,
  event: 'Order Completed',
  properties: { total: 42 },
});
await connect.alias({ userId: request.user.id, previousId: request.anonymousId });

// #endregion

// #region worker
import { createConnectWorker } from 'zendesk-connect/redis';

const worker = createConnectWorker({
  redis: new Redis(env.REDIS_URL),
  apiKey: env.CONNECT_API_KEY,
  maxRequestsPerSecond: 50, // account-wide: every worker of the prefix shares it
  maxRequestsInFlight: 16, // account-wide too
});
worker.on('deadLetter', ({ partition, entryId, error }) =>
  console.error(`dead letter ${partition}/${entryId}: ${error.message}`),
);
worker.on('partition', ({ partition, event, reason }) =>
  console.info(`partition ${partition} ${event}${reason ? `: ${reason}` : ''}`),
);
process.once('SIGTERM', async () => {
  const { delivered, deadLettered } = await worker.close({ timeout: 20_000 });
  console.info(`stopped: ${delivered} delivered, ${deadLettered} dead-lettered`);
});

// #endregion

// #region operations
import { connectRedisStatus, listDeadLetters, redriveDeadLetters } from 'zendesk-connect/redis';

const status = await connectRedisStatus({ redis });
console.table(status.partitions); // partition, depth, inFlight, lag, oldestAgeMs, deadLetters, owner
for (const letter of await listDeadLetters({ redis })) {
  console.log(letter.partition, letter.id, letter.type, letter.ids, letter.error.message);
}
await redriveDeadLetters({ redis, partition: 3 }); // back to the end of partition 3's stream
// #endregion

// #region durability
const replicated = createDurableConnect({
  redis,
  replicas: 1, // resolve only once a replica has the append too (Redis WAIT)
  replicaTimeout: 500,
});
// #endregion

export const used: unknown[] = [messageId, partition, replicated, [] as MappingWarning[]];
