/**
 * zendesk-connect as its users get it: the build in dist/ (`npm run build`; `npm run bench`
 * builds first), not the TypeScript sources run through tsx, whose transform (esbuild's
 * keepNames) adds a call to every named function a call makes. Types come from the sources.
 */
import { existsSync } from 'node:fs';

const DIST = new URL('../dist/index.js', import.meta.url);
if (!existsSync(DIST)) throw new Error('bench: build the package first (npm run build)');

export const zendeskConnect = (await import(DIST.href)) as typeof import('../src/index');
