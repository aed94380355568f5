import type { CallSummary } from './calls';
import { jsonResponse, type PlainRequest, type PlainResponse } from './plain-http';

/**
 * The debugger's live feed: what changed, in order, over server-sent events (`GET /_emulator/feed`
 * with `Accept: text/event-stream`) or polled as JSON (`GET /_emulator/feed?after=<seq>`). Both
 * go through the emulator's one handler, so the page is live behind `fetch`, msw and the loopback
 * server alike. Only the last {@link FEED_HISTORY} messages are kept for replay: a page further
 * behind is told to reload (`gap`), so an emulator that takes millions of calls holds no more.
 */

/** What changed: a request (arrived and delayed, answered or dropped), a reset, a control. */
export type FeedEntry =
  | { type: 'request'; request: CallSummary }
  | { type: 'reset' }
  | { type: 'controls' };

/** An entry with its place in the feed (1, 2, …; never reused, not even by a reset). */
export type FeedMessage = FeedEntry & { seq: number };

export const FEED_HISTORY = 1_000;
/**
 * Messages a slow reader may fall behind before its stream is closed (it reconnects and replays).
 * There is no keep-alive timer: a proxy that closes an idle stream costs a reconnect, and the
 * replay from `Last-Event-ID` loses nothing.
 */
const MAX_BACKLOG = 2_000;

export class Feed {
  private head = 0;
  private readonly recent: FeedMessage[] = [];
  private readonly listeners = new Set<(message: FeedMessage) => void>();

  constructor(private readonly history = FEED_HISTORY) {}

  /** The seq of the last message. */
  get seq(): number {
    return this.head;
  }

  publish(entry: FeedEntry): void {
    const message = { ...entry, seq: ++this.head } as FeedMessage;
    this.recent.push(message);
    if (this.recent.length > this.history) this.recent.shift();
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A listener (a closed stream, a log on a broken pipe) must not fail the request.
      }
    }
  }

  /** The messages after `after`, or `undefined` when some of them are no longer kept. */
  since(after: number): FeedMessage[] | undefined {
    if (!Number.isInteger(after) || after < 0 || after > this.head) return undefined;
    const oldest = this.recent[0]?.seq ?? this.head + 1;
    if (after < oldest - 1) return undefined;
    return this.recent.slice(this.recent.length - (this.head - after));
  }

  /** How many listen: an open page holds one, a closed one none. */
  get listening(): number {
    return this.listeners.size;
  }

  /** Calls `listener` with every later message; returns the unsubscribe. */
  subscribe(listener: (message: FeedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Answers `GET /_emulator/feed`: a stream of server-sent events when asked for one, else the
 * messages after `?after=` as JSON (`{ seq, messages }`, or `{ seq, gap: true }`). A stream starts
 * with `{type:'hello', seq, gap}`, then replays what the cursor (`Last-Event-ID` on a reconnect)
 * missed.
 */
export function feedResponse(feed: Feed, request: PlainRequest): PlainResponse {
  const params = new URLSearchParams(request.query ?? '');
  const cursor = request.header('last-event-id') ?? params.get('after');
  const after = cursor === null || cursor === '' ? feed.seq : Number(cursor);
  if (!(request.header('accept') ?? '').includes('text/event-stream')) {
    const messages = feed.since(after);
    return jsonResponse(
      200,
      messages ? { seq: feed.seq, messages } : { seq: feed.seq, gap: true },
      {
        'cache-control': 'no-store',
      },
    );
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
    body: '',
    stream: eventStream(feed, after, request.signal),
  };
}

function eventStream(
  feed: Feed,
  after: number,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        // A reader that stopped reading is cut off rather than buffered without end.
        if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) return stop();
        controller.enqueue(encoder.encode(text));
      };
      const message = (m: FeedMessage) => send(`id: ${m.seq}\ndata: ${JSON.stringify(m)}\n\n`);
      const missed = feed.since(after);
      send(
        `retry: 1000\ndata: ${JSON.stringify({ type: 'hello', seq: feed.seq, gap: !missed })}\n\n`,
      );
      for (const m of missed ?? []) message(m);
      const unsubscribe = feed.subscribe(message);
      const onAbort = () => stop();
      stop = () => {
        stop = () => {};
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    cancel() {
      stop();
    },
  });
}
