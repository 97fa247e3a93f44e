/**
 * Refreshing the access token: single-flight (every concurrent caller shares one refresh),
 * under the cross-tab lock, re-reading storage first (another tab may have rotated the tokens
 * already: adopt them rather than replay a spent refresh token), retrying transient failures,
 * signing out on definitive ones. A result that arrives after the session changed (sign-out,
 * another tab) is dropped. Events are collected and emitted only after the lock is released.
 */
import type { TokenSet } from './adapter'
import { AuthError } from './errors'
import type { Lock } from './cross-tab'
import { withRetries } from './retry'
import { CORRUPT } from './session-codec'
import { isDue, isExpired, sameTokens, type StoredSession } from './session'
import type { SessionStore } from './session-store'

/** Why a session ended (the `signedOut` event's `reason`). */
export type SignOutReason = 'user' | 'refresh_failed' | 'token_reused' | 'session_expired' | 'storage_corrupt' | 'remote'

/** What happened, for the client to announce once the refresh is over. */
export type RefreshOutcome =
  | { type: 'refreshed'; session: StoredSession; adopted: boolean }
  | { type: 'signedOut'; reason: SignOutReason; error?: AuthError }
  | { type: 'failed'; error: AuthError; signedOut: boolean }

export interface RefresherOptions {
  store: SessionStore
  lock: Lock
  now(): number
  marginMs: number
  tries: number
  sleep(ms: number): Promise<void>
  /** The adapter's refresh, with the core's context bound. */
  refresh(tokens: TokenSet): Promise<TokenSet>
  /** Normalizes fresh tokens (fills `issuedAt`, feeds the clock). */
  received(tokens: TokenSet): TokenSet
  /** Called after the lock is released, in order. */
  announce(outcomes: RefreshOutcome[]): void
  /**
   * After waiting for the lock, storage may not show the previous holder's write yet (another
   * tab's localStorage arrives asynchronously): resolves once it may (a storage event), or after
   * a while when nothing comes. Absent: storage is read as it is.
   */
  settled?(): Promise<void>
}

/** A definitive refresh failure, as the reason the session ended (by code, as adapters document). */
const reasonFor = (error: AuthError, lapsed: boolean): SignOutReason =>
  error.code === 'refresh_token_reused' ? 'token_reused' : lapsed || error.code === 'refresh_token_expired' ? 'session_expired' : 'refresh_failed'

/**
 * Returns `refresh(rejected?)`: resolves the current valid tokens, or null once signed out;
 * rejects only on a transient failure, with the session kept. `rejected` is an access token the
 * server refused (a 401): a session holding a different, still valid token needs no refresh.
 */
export function createRefresher(o: RefresherOptions): (rejected?: string) => Promise<TokenSet | null> {
  let inflight: Promise<TokenSet | null> | null = null

  async function run(rejected: string | undefined, outcomes: RefreshOutcome[]): Promise<TokenSet | null> {
    const { store } = o
    const usable = (s: StoredSession | null): s is StoredSession =>
      !!s && s.tokens.accessToken !== rejected && !isDue(s.tokens, o.marginMs, o.now())
    const end = async (reason: SignOutReason, error?: AuthError): Promise<null> => {
      outcomes.push({ type: 'signedOut', reason, ...(error ? { error } : {}) })
      await store.set(null)
      return null
    }
    return o.lock(async (contended) => {
      let generation = store.generation
      let mine = store.current
      // Another refresh, or a broadcast while this waited for the lock, may have done the work.
      if (!mine || usable(mine)) return mine?.tokens ?? null
      let stored = await store.read()
      if (store.generation !== generation) return store.current?.tokens ?? null
      if (contended && o.settled && stored !== CORRUPT && sameTokens(stored, mine)) {
        // The holder probably refreshed, and its write may still be on its way here.
        await o.settled()
        const adopted: StoredSession | null = store.current
        if (adopted && usable(adopted)) return adopted.tokens
        generation = store.generation
        mine = store.current
        if (!mine) return null
        stored = await store.read()
        if (store.generation !== generation) return store.current?.tokens ?? null
      }
      if (stored === CORRUPT) return end('storage_corrupt')
      if (!stored) return end('remote')
      if (!sameTokens(stored, mine)) {
        // Another tab rotated (or signed in); adopt its tokens, or refresh from its newer ones.
        if (usable(stored)) {
          outcomes.push({ type: 'refreshed', session: stored, adopted: true })
          await store.set(stored, false)
          return stored.tokens
        }
      }
      const base = stored.tokens
      const lapsed = (): boolean => base.refreshExpiresAt != null && o.now() >= base.refreshExpiresAt
      if (!base.refreshToken || lapsed()) {
        // Nothing can renew it: it lasts until the access token itself expires (or is refused).
        const alive = !lapsed() && base.accessToken !== rejected && !isExpired(base, o.now())
        return alive ? base : end('session_expired')
      }

      let tokens: TokenSet | null
      try {
        tokens = await withRetries(() => (store.generation === generation ? o.refresh(base) : Promise.resolve(null)), o)
      } catch (caught) {
        if (store.generation !== generation) return store.current?.tokens ?? null
        // A bug (or the caller's abort) is not the backend's answer.
        if (!(caught instanceof AuthError)) throw caught
        const error = caught
        // Only the backend refusing the refresh token ends the session; a 400, 404, 408, timeout … is transient.
        const definitive = error.kind === 'auth'
        outcomes.push({ type: 'failed', error, signedOut: definitive })
        if (definitive) return end(reasonFor(error, lapsed()), error)
        throw error
      }
      // Signed out (here or, judging by storage, in another tab) while the request was out.
      if (!tokens || store.generation !== generation) return store.current?.tokens ?? null
      const now = await store.read()
      if (store.generation !== generation) return store.current?.tokens ?? null
      if (!now || now === CORRUPT) return end('remote')
      if (!sameTokens(now, stored)) {
        outcomes.push({ type: 'refreshed', session: now, adopted: true })
        await store.set(now, false)
        return now.tokens
      }
      const session: StoredSession = { tokens: o.received(tokens), user: stored.user }
      outcomes.push({ type: 'refreshed', session, adopted: false })
      await store.set(session)
      return session.tokens
    })
  }

  return (rejected) => {
    if (!inflight) {
      const outcomes: RefreshOutcome[] = []
      inflight = run(rejected, outcomes).finally(() => {
        // Cleared before announcing, so a listener that asks for a token starts afresh.
        inflight = null
        o.announce(outcomes)
      })
    }
    return inflight
  }
}
