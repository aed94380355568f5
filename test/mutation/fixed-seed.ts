// Under Stryker, property tests replay CI's seed: a mutant is killed by the tests, not by the draw.
import fc from 'fast-check';

fc.configureGlobal({ seed: 20261129 });
