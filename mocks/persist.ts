/**
 * The in-page mock's memory across reloads: the backend state (users, sessions, signing key,
 * pending challenges and codes, outbox, clock, throttles, config, experience interactions) is
 * saved to IndexedDB shortly after each request the mock answered, and loaded when the next page
 * load starts the mock. Browser-only; the standalone server stays in memory.
 */
import { sha256Hex } from './state/bytes'
import type { BackendStateDump, BackendStateInternals } from './state'
import { MOCK_DATABASE, openRecordStore, type RecordStore } from './persist-idb'

/** How `startMockWorker({ persist })` saves the state. */
export interface PersistOptions {
  /** Names the saved state, so two apps (or test pages) on one origin keep their own (default `'default'`). */
  key?: string
  /** At most one save per this many milliseconds (default 50): a burst of requests shares one write. */
  debounceMs?: number
}

/** The saved state's controls (`MockWorker.persistence`). */
export interface MockPersistence {
  /** Whether this page load started from a saved state (false on the first load, or after a clear). */
  readonly restored: boolean
  /** Saves soon (at most one write per `debounceMs`); the worker calls it after every request the mock answered. */
  schedule(): void
  /** Writes what is pending now; resolves once it is stored. Changes made through the JS API (`mock.users.create` …) are saved by the next request, on `pagehide`, or by this. */
  flush(): Promise<void>
  /** Deletes the saved state; this page keeps its mock and saves again after its next request. */
  clear(): Promise<void>
  /** Stops saving (pending writes are flushed first) and closes the database. */
  stop(): Promise<void>
}

/** Bumped whenever `BackendStateDump` changes shape: an older saved state is then dropped, not misread. */
export const DUMP_VERSION = 1

interface SavedRecord {
  version: number
  /** SHA-256 of the options the state was created from: other seed users or config start afresh. */
  fingerprint: string
  dump: BackendStateDump
}

const isSavedRecord = (value: unknown): value is SavedRecord =>
  typeof value === 'object' && value !== null && (value as SavedRecord).version === DUMP_VERSION && typeof (value as SavedRecord).fingerprint === 'string'

/** What decides the seeded state; a saved state made under other options is not loaded. */
export function optionsFingerprint(options: { seed?: unknown; config?: unknown; now?: number | Date; frozenClock?: boolean }): Promise<string> {
  const now = options.now instanceof Date ? options.now.getTime() : options.now
  return sha256Hex(JSON.stringify([options.seed ?? null, options.config ?? null, now ?? null, options.frozenClock ?? false]))
}

/**
 * Loads the saved state into `state` (call after `state.ready()`, before the first request) and
 * returns the saver. A saved state that cannot be loaded is deleted, and the mock starts seeded.
 */
export async function persistState(state: BackendStateInternals, fingerprint: string, options: PersistOptions = {}): Promise<MockPersistence> {
  const key = options.key ?? 'default'
  const debounceMs = options.debounceMs ?? 50
  const store: RecordStore = await openRecordStore()

  let restored = false
  const saved = await store.get(key)
  if (isSavedRecord(saved) && saved.fingerprint === fingerprint) {
    try {
      state.load(saved.dump)
      restored = true
    } catch (error) {
      console.warn('[portcullis mock] the saved state could not be loaded; starting from the seed.', error)
      await state.reset()
    }
  }
  if (!restored && saved !== undefined) await store.delete(key)

  let timer: ReturnType<typeof setTimeout> | undefined
  let dirty = false
  let writing: Promise<void> | undefined
  let stopped = false
  let warned = false

  async function write(): Promise<void> {
    while (writing) await writing
    if (!dirty || stopped) return
    dirty = false
    writing = (async () => {
      try {
        const dump = await state.dump()
        await store.put(key, { version: DUMP_VERSION, fingerprint, dump } satisfies SavedRecord)
      } catch (error) {
        // Saving is a convenience: a failure must never reach the request that caused it.
        if (!warned) console.warn('[portcullis mock] could not save the mock state; a reload will start from the seed.', error)
        warned = true
      } finally {
        writing = undefined
      }
    })()
    await writing
  }

  async function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    await write()
  }

  // A reload right after a request may come before the debounce: write what is pending as the page goes.
  const onPageHide = () => void flush()
  addEventListener('pagehide', onPageHide)

  return {
    restored,
    schedule() {
      if (stopped) return
      dirty = true
      timer ??= setTimeout(() => {
        timer = undefined
        void write()
      }, debounceMs)
    },
    flush,
    async clear() {
      await flush()
      await store.delete(key)
    },
    async stop() {
      await flush()
      stopped = true
      removeEventListener('pagehide', onPageHide)
      store.close()
    },
  }
}

/** Deletes the in-page mock's saved state (one `key`, or all of them) without starting the mock. */
export async function clearMockState(key?: string): Promise<void> {
  if (key !== undefined) {
    const store = await openRecordStore()
    try {
      await store.delete(key)
    } finally {
      store.close()
    }
    return
  }
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(MOCK_DATABASE)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error ?? new Error('could not delete the mock database'))
    // Another tab still holds it open: it is deleted once that tab lets go.
    request.onblocked = () => resolve()
  })
}
