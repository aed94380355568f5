import type { FeedMessage } from '../../feed';

/**
 * The page's connection to the feed: server-sent events, or polling twice a second when they do
 * not arrive (no EventSource, or a proxy that holds the stream back): whichever works, without a
 * reload.
 */

export type LiveMessage = FeedMessage | { type: 'gap' };
export type LiveStatus = 'connecting' | 'live' | 'polling' | 'offline';

const HELLO_WITHIN_MS = 3_000;
const POLL_EVERY_MS = 500;

export function follow(
  from: number,
  onMessage: (message: LiveMessage) => void,
  onStatus: (status: LiveStatus) => void,
): void {
  let cursor = from;
  const take = (message: LiveMessage) => {
    if ('seq' in message) {
      if (message.seq <= cursor) return; // a replay of what the page already has
      cursor = message.seq;
    }
    onMessage(message);
  };

  const poll = async () => {
    try {
      const response = await fetch(`_emulator/feed?after=${cursor}`, { cache: 'no-store' });
      const answer = (await response.json()) as {
        seq: number;
        messages?: FeedMessage[];
        gap?: true;
      };
      if (answer.gap) {
        cursor = answer.seq;
        onMessage({ type: 'gap' });
      } else for (const message of answer.messages ?? []) take(message);
      onStatus('polling');
    } catch {
      onStatus('offline');
    }
    setTimeout(poll, POLL_EVERY_MS);
  };

  if (typeof EventSource !== 'function') {
    void poll();
    return;
  }
  onStatus('connecting');
  const source = new EventSource(`_emulator/feed?after=${cursor}`);
  let heard = false;
  const fallback = setTimeout(() => {
    source.close();
    void poll();
  }, HELLO_WITHIN_MS);
  source.onmessage = (event) => {
    const message = JSON.parse(event.data as string) as
      | FeedMessage
      | { type: 'hello'; seq: number; gap: boolean };
    if (message.type !== 'hello') return take(message);
    heard = true;
    clearTimeout(fallback);
    onStatus('live');
    if (message.gap) {
      cursor = message.seq;
      onMessage({ type: 'gap' });
    }
  };
  // EventSource reconnects by itself, sending Last-Event-ID; the server replays what was missed.
  source.onerror = () => {
    if (heard) onStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  };
}
