// The browser tests drive Debian's Chromium (never a downloaded build). Install it when missing
// on a Debian machine where we are root; otherwise say what to do.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(
      `The browser tests need ${CHROMIUM}: run 'apt-get update && apt-get install -y chromium' as root.`,
    );
    process.exit(1);
  }
  console.log('Installing Debian chromium for the browser tests…');
  execSync('apt-get update -qq && apt-get install -y -qq chromium >/dev/null', {
    stdio: 'inherit',
  });
}
