/**
 * `zendesk-connect/redis`: durable, ordered delivery through Redis (Node only; `ioredis` is an
 * optional peer dependency). Producers append mapped messages to partitioned Redis streams;
 * workers deliver them with `ConnectClient`'s engine, one worker per partition at a time.
 *
 * @packageDocumentation
 */
export {
  connectRedisStatus,
  type DeadLetter,
  type DeadLetterOptions,
  listDeadLetters,
  type PartitionStatus,
  type RedisDeliveryStatus,
  redriveDeadLetters,
} from './admin';
export { partitionOf } from './keys';
export type { RedisQueueOptions } from './options';
export {
  type AppendResult,
  createDurableConnect,
  DurableConnect,
  type DurableConnectEvents,
  type DurableConnectOptions,
} from './producer';
export type { RedisClient } from './redis-calls';
export {
  ConnectWorker,
  type ConnectWorkerOptions,
  createConnectWorker,
  type WorkerCloseOptions,
  type WorkerReport,
} from './worker';
export type { WorkerEvents, WorkerOnlyEvents } from './worker-events';
