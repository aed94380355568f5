/** docs/import.md's snippets, type-checked. */
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

// #region fix-failed
// Give the failed tracks that had no time the one the warehouse knows, drop the import notes,
// and write a file to import again: `zendesk-connect import fixed.ndjson`.
const knownTimes = new Map<string, string>([['order-1041', '2023-03-14T09:26:53Z']]);
const fixed: string[] = [];
const lines = createInterface({ input: createReadStream('archive.ndjson.gz.failed.ndjson') });
for await (const line of lines) {
  const { _import: note, ...call } = JSON.parse(line) as Record<string, unknown> & {
    _import: { field: string; error: string };
    properties?: { orderId?: string };
  };
  const time = knownTimes.get(call.properties?.orderId ?? '');
  if (note.field === 'timestamp' && time) fixed.push(JSON.stringify({ ...call, timestamp: time }));
}
writeFileSync('fixed.ndjson', fixed.map((line) => `${line}\n`).join(''));
// #endregion
