// The tests drive Debian's Chromium (never a downloaded build) and start Debian's redis-server on
// loopback. Install what is missing on a Debian machine where we are root; otherwise say what to do.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { binary: '/usr/bin/chromium', pkg: 'chromium', why: 'the browser tests' },
  { binary: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the Redis door’s tests' },
];
const missing = NEEDED.filter(({ binary }) => !existsSync(binary));
if (missing.length > 0) {
  const packages = missing.map(({ pkg }) => pkg).join(' ');
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    const what = missing.map(({ binary, why }) => `${binary} (${why})`).join(' and ');
    console.error(
      `The tests need ${what}: run 'apt-get update && apt-get install -y ${packages}' as root.`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian ${packages} for the tests…`);
  execSync(`apt-get update -qq && apt-get install -y -qq ${packages} >/dev/null`, {
    stdio: 'inherit',
  });
}
