/**
 * Where the session is kept. Sync (`localStorage`) or async (React Native AsyncStorage,
 * SecureStore wrappers) both fit; the core always awaits.
 */
export interface TokenStorage {
  /** The stored value, or null. */
  getItem(key: string): string | null | Promise<string | null>
  /** Stores a value. */
  setItem(key: string, value: string): void | Promise<void>
  /** Removes a value. */
  removeItem(key: string): void | Promise<void>
}

/** Lives as long as the object: the default outside browsers, where nothing should persist by surprise. */
export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  }
}

/** The subset of the Web Storage API used, so tests and polyfills can pass their own. */
export type WebStorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * `localStorage` (shared by every tab of the origin) or `sessionStorage` (one tab; then pass
 * `crossTab: false`). Storage can throw (quota, Safari private mode, disabled cookies): a
 * failed read counts as corrupt data, a failed write keeps the session in memory only.
 */
export function webStorage(storage: WebStorageLike): TokenStorage {
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
  }
}

/** `localStorage` when there is a usable one (a browser page), else memory. */
export function defaultStorage(): TokenStorage {
  try {
    // A Storage already is a TokenStorage (its methods are called on it), so it needs no wrapper.
    const local = typeof document === 'object' ? globalThis.localStorage : undefined
    if (local) return local
  } catch {
    // Access itself throws where storage is blocked (sandboxed iframes, disabled cookies).
  }
  return memoryStorage()
}
