import type * as z from 'zod/mini';
import { jsonResponse, type PlainResponse } from './plain-http';

/** Connect's error responses: `{"error":{"Message":"…","Code":<status>}}`. */

/** A JSON response in Connect's error shape. */
export function connectErrorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): PlainResponse {
  return jsonResponse(status, { error: { Message: message, Code: status } }, headers);
}

/**
 * One sentence naming every offending field of a request body, batch items by index:
 * `[3].event must be a non-empty string of at most 200 characters`.
 */
export function describeWireIssues(issues: readonly z.core.$ZodIssue[], index?: number): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      const where = index === undefined ? field : field ? `[${index}].${field}` : `[${index}]`;
      return `${where || 'body'} ${issue.message}`;
    })
    .join('; ');
}
