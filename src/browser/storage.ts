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
 * Reads and writes through a storage that may start throwing at any time (quota, privacy). While
 * it works, it is the only copy: every read asks it, so what another tab wrote or removed (a
 * sign-out) is seen at once. From its first throw on, memory is used instead.
 */
export function safeStorage(storage: KeyValueStorage): KeyValueStorage {
  const memory = memoryStorage();
  let broken = false;
  const attempt = (use: () => void) => {
    if (broken) return false;
    try {
      use();
      return true;
    } catch {
      broken = true;
      return false;
    }
  };
  return {
    getItem: (key) => {
      let value: string | null = null;
      return attempt(() => {
        value = storage.getItem(key);
      })
        ? value
        : memory.getItem(key);
    },
    setItem: (key, value) => {
      if (!attempt(() => storage.setItem(key, value))) memory.setItem(key, value);
    },
    removeItem: (key) => {
      memory.removeItem(key);
      attempt(() => storage.removeItem(key));
    },
  };
}
