/**
 * The README's demo: starts the Connect emulator on loopback, runs the quickstart against it,
 * and prints what Connect received and the user it ended with.
 */
import { startConnectEmulatorServer } from 'zendesk-connect/testing/node';
import { quickstart } from './quickstart';

const server = await startConnectEmulatorServer();
console.log(`Connect emulator on ${server.url}\n`);
try {
  const report = await quickstart({
    apiKey: 'demo-key-0123456789abcdef01234567',
    baseUrl: server.url,
  });

  console.log('Connect received:');
  for (const call of server.emulator.calls) {
    console.log(`  ${call.method} ${call.path} → ${call.status}  ${JSON.stringify(call.body)}`);
  }
  console.log('\nThe user Connect holds:');
  console.log(
    JSON.stringify(server.emulator.users.get('019mr8mf4r'), null, 2).replace(/^/gm, '  '),
  );
  console.log('\nTheir events:');
  for (const event of server.emulator.events)
    console.log(`  ${event.event} by ${event.user_id} ${JSON.stringify(event.properties)}`);
  console.log(
    `\nDelivered ${report.delivered}, failed ${report.failed}, dropped ${report.dropped}.`,
  );
  if (report.failed > 0 || report.dropped > 0) process.exitCode = 1;
} finally {
  await server.close();
}
