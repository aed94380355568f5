import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { mapCall } from '../../src/mappers/calls';
import { MAPPING_CLOCK, MAPPING_SECTIONS } from './mapping-examples';

describe.each(MAPPING_SECTIONS)('docs/mapping.md: $title', ({ examples }) => {
  it.each(examples)('$rule', ({ call, input, options, expected }) => {
    const run = () => mapCall(call, input, { now: () => MAPPING_CLOCK, ...options });
    if ('error' in expected) {
      let error: unknown;
      try {
        run();
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(expected.error);
      return;
    }
    const { body, warnings } = run();
    expect(body).toStrictEqual(expected.body);
    expect(warnings.map((warning) => warning.code)).toStrictEqual(expected.warnings ?? []);
  });
});
