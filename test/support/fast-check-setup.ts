// In CI, property tests replay a fixed seed, so a submission lands or fails on its own merits; on
// a developer's machine they draw new cases every run, which is how they keep finding bugs.
import fc from 'fast-check';

if (process.env.CI) fc.configureGlobal({ seed: 20261129 });
