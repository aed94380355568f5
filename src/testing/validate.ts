import type * as z from 'zod/mini';
import { issueMessage } from '../schemas/parse';
import { describeWireIssues } from './connect-errors';

/** A body checked against a wire schema: its parsed data, or Connect's sentence naming each bad field. */
export type Checked<T> = { ok: true; data: T } | { ok: false; message: string };

/** Checks `body` (batch item `index`, when given) as Connect does. */
export function validate<S extends z.ZodMiniType>(
  schema: S,
  body: unknown,
  index?: number,
): Checked<z.output<S>> {
  // Without params zod stays on its fast path; the safe wording is only needed for errors.
  const fast = safeParseOrUndefined(schema, body);
  if (fast?.success) return { ok: true, data: fast.data as z.output<S> };
  const result = schema.safeParse(body, { error: issueMessage });
  return result.success
    ? { ok: true, data: result.data as z.output<S> }
    : { ok: false, message: describeWireIssues(result.error.issues, index) };
}

function safeParseOrUndefined<S extends z.ZodMiniType>(schema: S, value: unknown) {
  try {
    return schema.safeParse(value);
  } catch {
    return undefined; // zod's default wording threw on this value
  }
}
