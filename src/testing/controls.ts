import { connectErrorResponse } from './connect-errors';
import type { ConnectEmulatorFaults, FailOptions } from './faults';
import { feedResponse } from './feed';
import { pageData } from './page/data';
import { jsonResponse, type PlainRequest, type PlainResponse } from './plain-http';
import type { EmulatorState } from './state';

/**
 * The emulator's control plane over HTTP (`/_emulator/…`), for tests in another process, runtime
 * or browser, and for the debugger page: `POST` controls, `GET` the state, the page's data and
 * its live feed. None of it is recorded as a call. Every field of a control is read before
 * anything changes: a control with a bad field answers 400 naming it, and changes nothing.
 */

/** Answers a request under `/_emulator/`. */
export async function controlPlane(
  state: EmulatorState,
  request: PlainRequest,
  path: string,
): Promise<PlainResponse> {
  if (request.method === 'POST') {
    const response = control(state, path, await request.text());
    // A reset tells the feed itself.
    if (response.status === 200 && path !== '/_emulator/reset')
      state.feed.publish({ type: 'controls' });
    return response;
  }
  if (request.method === 'GET') {
    if (path === '/_emulator/state') return jsonResponse(200, state.snapshot());
    if (path === '/_emulator/feed') return feedResponse(state.feed, request);
    const data = pageData(state, path, new URLSearchParams(request.query ?? ''));
    if (data) return data;
  }
  return connectErrorResponse(404, `no such emulator path: ${request.method} ${path}`);
}

/** What a control acts on. */
export interface ControlTarget {
  faults: ConnectEmulatorFaults;
  reset(): void;
}

type Fields = Record<string, unknown>;

/** A field that would make a control do something other than asked. */
class ControlProblem extends Error {}

/** Answers `POST /_emulator/<path>` with `text` as its body. */
export function control(target: ControlTarget, path: string, text: string): PlainResponse {
  const run = CONTROLS[path];
  if (!run) return connectErrorResponse(404, `no such emulator control: ${path}`);
  try {
    run(target, fieldsOf(text));
  } catch (error) {
    if (error instanceof ControlProblem) return connectErrorResponse(400, error.message);
    throw error;
  }
  return jsonResponse(200, { ok: true });
}

/** Each control with the fields it reads. */
const CONTROLS: Record<string, (target: ControlTarget, fields: Fields) => void> = {
  '/_emulator/reset': (target, fields) => {
    only(fields, []);
    target.reset();
  },
  '/_emulator/faults/clear': (target, fields) => {
    only(fields, []);
    target.faults.clear();
  },
  '/_emulator/faults/fail': (target, fields) => {
    only(fields, ['count', 'every', 'status', 'retryAfter']);
    if (fields.count !== undefined && fields.every !== undefined)
      throw new ControlProblem('count and every cannot be combined: every repeats until cleared');
    const status = whole(fields, 'status', 500, 400, 599);
    const count = whole(fields, 'count', 1, 0);
    const every = fields.every === undefined ? undefined : whole(fields, 'every', 1, 1);
    const options: FailOptions = {};
    const retryAfter = retryAfterOf(fields);
    if (retryAfter !== undefined) options.retryAfter = retryAfter;
    if (every === undefined) target.faults.failNext(count, status, options);
    else target.faults.failEvery(every, status, options);
  },
  '/_emulator/faults/drop': (target, fields) => {
    only(fields, ['count']);
    target.faults.dropNext(whole(fields, 'count', 1, 0));
  },
  '/_emulator/faults/delay': (target, fields) => {
    only(fields, ['ms', 'count']);
    const ms = whole(fields, 'ms', 1_000, 0, 600_000);
    const count =
      fields.count === undefined ? Number.POSITIVE_INFINITY : whole(fields, 'count', 1, 0);
    target.faults.delay(ms, count);
  },
};

/** The body as an object of fields; an empty body has none. */
function fieldsOf(text: string): Fields {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ControlProblem('the body must be JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ControlProblem('the body must be a JSON object');
  return body as Fields;
}

/** Refuses a field the control does not read: a typo must not arm a default. */
function only(fields: Fields, known: readonly string[]): void {
  const unknown = Object.keys(fields).find((name) => !known.includes(name));
  if (unknown === undefined) return;
  const expected = known.length > 0 ? `; the fields are ${known.join(', ')}` : '; it takes none';
  throw new ControlProblem(`unknown field ${JSON.stringify(unknown)}${expected}`);
}

function whole(
  fields: Fields,
  name: string,
  fallback: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  const value = fields[name] === undefined ? fallback : fields[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  const range = max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`;
  throw new ControlProblem(`${name} must be a whole number ${range}`);
}

function retryAfterOf(fields: Fields): number | string | undefined {
  const value = fields.retryAfter;
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  // Printable ASCII only: it becomes a header.
  if (typeof value === 'string' && /^[ -~]+$/.test(value) && value.trim() !== '') return value;
  throw new ControlProblem('retryAfter must be a number of seconds (0 or more) or an HTTP date');
}
