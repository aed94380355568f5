/**
 * The README's demo: maps the seed's calls (the anonymous visit, Michael Bolton's identify with
 * his iOS token, the alias, the `Signed Up` track) and prints the Connect payloads.
 */
import { mapAlias, mapIdentify, mapTrack } from '../src/index';

const anonymousId = '4f1c3a9e-anon';
const calls = [
  mapIdentify({ anonymousId, traits: { plan: 'trial' } }),
  mapIdentify({
    userId: '019mr8mf4r',
    traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '1234567890' },
    context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
  }),
  mapAlias({ userId: '019mr8mf4r', previousId: anonymousId }),
  mapTrack({
    userId: '019mr8mf4r',
    event: 'Signed Up',
    properties: { plan: 'Startup', source: 'Analytics Academy' },
  }),
];
for (const { path, body, warnings } of calls) {
  console.log(`POST ${path} ${JSON.stringify(body)}`);
  for (const warning of warnings) console.log(`  warning ${warning.code}: ${warning.message}`);
}
