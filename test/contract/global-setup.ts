/** Starts a loopback emulator server for a project's contract suite (CORS on, for the browser). */
import type { TestProject } from 'vitest/node';
import { startConnectEmulatorServer } from '../../src/node/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorUrl: string;
    /** The runtime the project claims to run the suite in. */
    runtime: 'node' | 'edge' | 'browser' | 'workers';
  }
}

export default async function setup(project: TestProject) {
  const server = await startConnectEmulatorServer({ cors: true });
  project.provide('emulatorUrl', server.url);
  return () => server.close();
}
