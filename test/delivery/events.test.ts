/** The client's emitter: listeners by event, unsubscribing, and reports that cannot break delivery. */
import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/delivery/events';

const delivered = { messageId: 'm1', type: 'track', attempts: 1 } as const;

describe('Emitter', () => {
  it('calls each listener of the event with the payload, and only those', () => {
    const emitter = new Emitter(() => {});
    const first = vi.fn();
    const second = vi.fn();
    const other = vi.fn();
    emitter.on('delivered', first);
    emitter.on('delivered', second);
    emitter.on('drop', other);
    emitter.emit('delivered', delivered);
    expect(first).toHaveBeenCalledExactlyOnceWith(delivered);
    expect(second).toHaveBeenCalledExactlyOnceWith(delivered);
    expect(other).not.toHaveBeenCalled();
  });

  it('has() says whether anyone listens; the returned function unsubscribes', () => {
    const emitter = new Emitter(() => {});
    expect(emitter.has('delivered')).toBe(false);
    const listener = vi.fn();
    const off = emitter.on('delivered', listener);
    const keep = emitter.on('delivered', vi.fn());
    expect(emitter.has('delivered')).toBe(true);
    expect(emitter.has('drop')).toBe(false);
    off();
    expect(emitter.has('delivered')).toBe(true);
    emitter.emit('delivered', delivered);
    expect(listener).not.toHaveBeenCalled();
    keep();
    expect(emitter.has('delivered')).toBe(false);
  });

  it('reports a throwing listener and still calls the next one', () => {
    const onListenerError = vi.fn();
    const emitter = new Emitter(onListenerError);
    const boom = new Error('boom');
    const next = vi.fn();
    emitter.on('delivered', () => {
      throw boom;
    });
    emitter.on('delivered', next);
    emitter.emit('delivered', delivered);
    expect(onListenerError).toHaveBeenCalledExactlyOnceWith(boom);
    expect(next).toHaveBeenCalledOnce();
  });

  it('survives a report that throws', () => {
    const emitter = new Emitter(() => {
      throw new Error('the logger broke');
    });
    const next = vi.fn();
    emitter.on('delivered', () => {
      throw new Error('boom');
    });
    emitter.on('delivered', next);
    expect(() => emitter.emit('delivered', delivered)).not.toThrow();
    expect(next).toHaveBeenCalledOnce();
  });

  it('hands an event nobody hears to onUnheard, and never when someone listens', () => {
    const onUnheard = vi.fn();
    const emitter = new Emitter(() => {}, onUnheard);
    emitter.emit('delivered', delivered);
    expect(onUnheard).toHaveBeenCalledExactlyOnceWith('delivered', delivered);
    const off = emitter.on('delivered', () => {});
    emitter.emit('delivered', delivered);
    expect(onUnheard).toHaveBeenCalledOnce();
    // Emptied by unsubscribing: unheard again.
    off();
    emitter.emit('delivered', delivered);
    expect(onUnheard).toHaveBeenCalledTimes(2);
  });

  it('survives an onUnheard that throws, and works without one', () => {
    const throwing = new Emitter(
      () => {},
      () => {
        throw new Error('the logger broke');
      },
    );
    expect(() => throwing.emit('delivered', delivered)).not.toThrow();
    expect(() => new Emitter(() => {}).emit('delivered', delivered)).not.toThrow();
  });
});
