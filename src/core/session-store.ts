/**
 * The current session in memory plus its persisted copy. Memory is the truth for this client and
 * changes synchronously, so ordering is simple; storage writes are queued in the same order.
 * `generation` grows on every change: work that started under an older generation (a refresh
 * that outlived a sign-out) must not write its result back.
 */
import { CORRUPT, decodeSession, encodeSession } from './session-codec'
import type { StoredSession } from './session'
import type { TokenStorage } from './storage'

export interface SessionStore {
  readonly current: StoredSession | null
  readonly generation: number
  /**
   * Grows when the session is replaced by another one (signed out, or someone else signed
   * in), not on a refresh: a request may be retried or replayed only in the lineage it was sent in.
   */
  readonly lineage: number
  /** Commits `session` now; resolves once it is persisted (when `persist`). Never rejects. */
  set(session: StoredSession | null, persist?: boolean): Promise<void>
  /** What storage holds now (another tab may have written it), after this client's pending writes. */
  read(): Promise<StoredSession | null | typeof CORRUPT>
}

export function createSessionStore(storage: TokenStorage, key: string): SessionStore {
  let current: StoredSession | null = null
  let generation = 0
  let lineage = 0
  let writes: Promise<void> = Promise.resolve()
  // After a failed write storage is stale, and reading it back would look like another tab's change.
  let writeFailed = false

  return {
    get current() {
      return current
    },
    get generation() {
      return generation
    },
    get lineage() {
      return lineage
    },
    set(session, persist = true) {
      if (!session || !current || session.user.id !== current.user.id) lineage++
      current = session
      generation++
      if (!persist) return writes
      const raw = session && encodeSession(session)
      return (writes = writes
        .then(() => (raw ? storage.setItem(key, raw) : storage.removeItem(key)))
        .then(
          () => void (writeFailed = false),
          () => void (writeFailed = true),
        ))
    },
    async read() {
      await writes
      if (writeFailed) return current
      try {
        return decodeSession(await storage.getItem(key))
      } catch {
        return CORRUPT
      }
    },
  }
}
