import type { PlainResponse } from './plain-http';

/** Every API request the emulator received, and what it answered: `emulator.calls` and the debugger's requests. */

/** One request the emulator received, as recorded. */
export interface RecordedCall {
  method: string;
  path: string;
  /** Request headers, lower-case names; `x-outbound-key` is masked. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** The status answered; `0` when the connection was dropped. */
  status: number;
  /** Epoch milliseconds when it arrived. */
  time: number;
}

/** Where a request stands: not answered yet (a delay fault), answered, or dropped. */
export type CallState = 'pending' | 'answered' | 'dropped';

/** A request as the debugger lists it and the CLI logs it. */
export interface CallSummary {
  /** Its position in `emulator.calls`. */
  n: number;
  time: number;
  method: string;
  path: string;
  /** The status answered; `0` until answered, and when dropped. */
  status: number;
  state: CallState;
  /** Messages in the body: a batch's length, 1 for a single JSON object; absent otherwise. */
  items?: number;
  /** The key sent, masked. */
  key?: string;
  /** For a refusal, what Connect said: its error body's `Message`, or the body as sent. */
  said?: string;
}

/** A request with its body and the response body, for the debugger's request page. */
export interface CallDetail extends CallSummary {
  headers: Record<string, string>;
  body: unknown;
  /** The response body as sent; `''` for an empty one. */
  response: string;
}

interface Answer {
  state: CallState;
  /** The response body, kept for refusals only (a 200 answers nothing). */
  response: string;
}

/** A refusal is a 4xx or 5xx answer, or a dropped connection: what a developer looks for first. */
export const isRefused = (summary: { status: number; state: CallState }): boolean =>
  summary.state === 'dropped' || summary.status >= 400;

/** The recorded calls, with what each was answered. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private readonly answers: Answer[] = [];
  private refusedCount = 0;

  /** Records a request as it arrives; returns its position. */
  open(call: RecordedCall): number {
    this.answers.push({ state: 'pending', response: '' });
    return this.calls.push(call) - 1;
  }

  /**
   * Records what `call`, at position `n`, was answered. False when a reset forgot it while it
   * waited: its status is set, and nothing else.
   */
  close(n: number, call: RecordedCall, response: PlainResponse | 'drop'): boolean {
    if (response !== 'drop') call.status = response.status;
    const answer = this.answers[n];
    if (this.calls[n] !== call || !answer) return false;
    answer.state = response === 'drop' ? 'dropped' : 'answered';
    if (response !== 'drop' && response.status >= 400) answer.response = response.body;
    if (isRefused({ status: call.status, state: answer.state })) this.refusedCount++;
    return true;
  }

  /** How many requests were refused. */
  get refused(): number {
    return this.refusedCount;
  }

  summary(n: number): CallSummary | undefined {
    const call = this.calls[n];
    const answer = this.answers[n];
    if (!call || !answer) return undefined;
    const summary: CallSummary = {
      n,
      time: call.time,
      method: call.method,
      path: call.path,
      status: call.status,
      state: answer.state,
    };
    const items = itemsIn(call.body);
    if (items !== undefined) summary.items = items;
    const key = call.headers['x-outbound-key'];
    if (key !== undefined) summary.key = key;
    if (answer.state === 'dropped') summary.said = 'the connection was dropped';
    else if (call.status >= 400) summary.said = messageOf(answer.response);
    return summary;
  }

  detail(n: number): CallDetail | undefined {
    const summary = this.summary(n);
    const call = this.calls[n];
    if (!summary || !call) return undefined;
    return {
      ...summary,
      headers: call.headers,
      body: call.body,
      response: this.answers[n]?.response ?? '',
    };
  }

  /**
   * Up to `limit` summaries before position `before` (default: the newest), newest first; only
   * refusals when `refusedOnly`.
   */
  page(options: { refusedOnly: boolean; before?: number | undefined; limit: number }): {
    total: number;
    refused: number;
    items: CallSummary[];
  } {
    const items: CallSummary[] = [];
    const start = Math.min(options.before ?? this.calls.length, this.calls.length) - 1;
    for (let n = start; n >= 0 && items.length < options.limit; n--) {
      const summary = this.summary(n);
      if (summary && (!options.refusedOnly || isRefused(summary))) items.push(summary);
    }
    return { total: this.calls.length, refused: this.refusedCount, items };
  }

  clear(): void {
    this.calls.length = 0;
    this.answers.length = 0;
    this.refusedCount = 0;
  }
}

function itemsIn(body: unknown): number | undefined {
  if (Array.isArray(body)) return body.length;
  return typeof body === 'object' && body !== null ? 1 : undefined;
}

/** Connect's `{"error":{"Message":…}}`, or the body itself (an injected fault's own body). */
function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { Message?: unknown } }).error?.Message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the body is the message
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
