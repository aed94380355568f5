/** Where the browser client keeps the anonymous and user ids. */

/** The part of the Web Storage API the browser client uses (`localStorage` fits). */
export interface KeyValueStorage {
  /** The value under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`. */
  setItem(key: string, value: string): void;
  /** Forgets `key`. */
  removeItem(key: string): void;
}

/**
 * A {@link KeyValueStorage} in memory: ids last as long as the page.
 *
 * @example
 * ```ts
 * createBrowserClient({ endpoint: '/api/connect', storage: memoryStorage() });
 * ```
 */
export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => {
      values.set(key, value);
    },
    removeItem: (key) => {
      values.delete(key);
    },
  };
}

/**
 * `localStorage` when it can be used (it throws in some private modes and sandboxed frames),
 * else memory. The browser client's default.
 *
 * @example
 * ```ts
 * const storage = defaultStorage();
 * storage.getItem('zendesk_connect.anonymous_id');
 * ```
 */
export function defaultStorage(): KeyValueStorage {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (storage) {
      const probe = '__zendesk_connect_probe__';
      storage.setItem(probe, probe);
      storage.removeItem(probe);
      return storage;
    }
  } catch {
    // Storage is blocked: fall back to memory.
  }
  return memoryStorage();
}

/**
 * Reads and writes through a storage that may throw at any time (quota, privacy). Storage stays
 * the only copy of every key it holds: every read asks it, so what another tab wrote or removed
 * (a sign-out) is seen at once, even after some write failed. Only a key whose last write or
 * removal failed is served from memory (with that newest value) until a write of it succeeds
 * again; a read that throws reads as nothing.
 */
export function safeStorage(storage: KeyValueStorage): KeyValueStorage {
  /** Keys whose last write did not reach storage, with what was written (`null`: removed). */
  const unsaved = new Map<string, string | null>();
  return {
    getItem: (key) => {
      if (unsaved.has(key)) return unsaved.get(key) ?? null;
      try {
        return storage.getItem(key);
      } catch {
        return null;
      }
    },
    setItem: (key, value) => {
      try {
        storage.setItem(key, value);
        unsaved.delete(key);
      } catch {
        unsaved.set(key, value);
      }
    },
    removeItem: (key) => {
      try {
        storage.removeItem(key);
        unsaved.delete(key);
      } catch {
        unsaved.set(key, null);
      }
    },
  };
}
