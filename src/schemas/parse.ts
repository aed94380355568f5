import type * as z from 'zod/mini';
import { ValidationError, type ValidationIssue } from '../errors';

/** Which call an input belongs to; it opens every validation message. */
export type CallName = string;

/** A {@link ValidationIssue} whose sentence reads "<call>: `<path>` <problem>". */
export function issueAt(call: CallName, path: string, problem: string): ValidationIssue {
  return { path, message: path ? `${call}: \`${path}\` ${problem}` : `${call}: ${problem}` };
}

/** A {@link ValidationError} with one issue. */
export function invalid(call: CallName, path: string, problem: string): ValidationError {
  return new ValidationError([issueAt(call, path, problem)]);
}

/** Parses `input` with `schema`, or throws a {@link ValidationError} naming every bad field. */
export function parseOrThrow<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  call: CallName,
): z.output<S> {
  // Parsing without params keeps zod on its fast path (params cost about 4 µs a call); the
  // messages that need issueMessage are only made on the way to an error.
  try {
    const fast = schema.safeParse(input);
    if (fast.success) return fast.data;
  } catch {
    // zod's own message for this input threw; the pass below words it safely.
  }
  const result = schema.safeParse(input, { error: issueMessage });
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) =>
      issueAt(call, issue.path.map(String).join('.'), issue.message),
    ),
  );
}

/**
 * The sentence for an issue whose schema gave none. It never looks at the input: zod's own
 * English messages stringify `input.constructor.name`, which throws a TypeError for objects such
 * as `{ constructor: { name: Object.create(null) } }`.
 */
export function issueMessage(issue: {
  code?: string;
  expected?: unknown;
  input?: unknown;
  maximum?: unknown;
  minimum?: unknown;
  values?: unknown;
}): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') {
    return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if (issue.code === 'too_big') return `must be at most ${String(issue.maximum)}`;
  if (issue.code === 'too_small') return `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'invalid_value' && Array.isArray(issue.values)) {
    return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return 'is invalid';
}
