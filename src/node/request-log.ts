import type { CallSummary } from '../testing/calls';

/**
 * The CLI's line for one answered request: time, method, path, status and what Connect said, so
 * a refused call (a wrong key, a bad batch item) shows in the terminal as it happens.
 *
 * `09:30:13.700 POST /v2/track 401 X-Outbound-Key is missing or not a valid key (1 item, key ****9e8d)`
 */
export function requestLine(request: CallSummary): string {
  const d = new Date(request.time);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const status = request.state === 'dropped' ? 'dropped:' : String(request.status);
  const notes: string[] = [];
  if (request.items !== undefined)
    notes.push(`${request.items} item${request.items === 1 ? '' : 's'}`);
  if (request.said !== undefined) notes.push(`key ${request.key ?? 'none'}`);
  const detail = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return `${time} ${request.method} ${request.path} ${status} ${request.said ?? 'ok'}${detail}`;
}
