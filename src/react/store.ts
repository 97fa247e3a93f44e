/**
 * The React bindings' external store: AuthClient's events folded into immutable snapshots for
 * `useSyncExternalStore`. Framework-free and type-only towards the core, so `portcullis/react`
 * adds no core code to a bundle.
 *
 * Two slices that change independently (`auth`, `challenge`), so a hook reading one never
 * re-renders for the other. Nothing happens until React subscribes: a server render (which never
 * subscribes) touches neither the client, nor its storage, nor a timer.
 */
import type { ChallengeAnswer, Challenge, ChallengeResults } from '../core/challenge'
import type { AuthClient, SignOutReason } from '../core/auth-client'
import type { AuthAdapter, ChallengeKind, ChallengeMethod } from '../core/adapter'
import type { AuthError } from '../core/errors'
import type { Session } from '../core/session'

/** `loading` until the stored session was read (and always during a server render). */
export type AuthStatus = 'loading' | 'signedIn' | 'signedOut'

/** The session state the hooks render from: an immutable value, replaced on each change. */
export interface AuthSnapshot {
  /** Whether there is a session (`loading` until the stored one was read). */
  status: AuthStatus
  /** The signed-in session (no tokens in it), or null. */
  session: Session | null
  /**
   * Why the last session ended (`session_expired`, `refresh_failed`, `user` …), or why there is
   * none at start (`storage_corrupt`); null while signed in or when nothing ended.
   */
  signOutReason: SignOutReason | null
  /** The last failed refresh (`refreshFailed`), until the next session or refresh. */
  error: AuthError | null
}

/**
 * The challenge waiting for an answer, as a value: a new object whenever something the user
 * sees changes (attempts left after a wrong code, the expiry after a resend, the last error).
 */
export interface ChallengePrompt {
  readonly kind: ChallengeKind
  readonly methods: readonly ChallengeMethod[]
  /** Epoch ms on this device's clock, or null when the API does not say. */
  readonly expiresAt: number | null
  readonly attemptsLeft: number | null
  /** What the last `verify()` or `resend()` failed with (e.g. `invalid_code`), or null. */
  readonly error: AuthError | null
  /** True while an answer or a resend is on its way. */
  readonly busy: boolean
  /** The challenge itself (for `toJSON()`, or narrowing `verify()`'s result by `kind`). */
  readonly challenge: Challenge
  /**
   * Answers with a code or a WebAuthn assertion. Rejects like `challenge.verify()`; the prompt
   * stays, with `error` and the new `attemptsLeft`. Once answered the prompt goes away.
   */
  verify(answer: ChallengeAnswer): Promise<ChallengeResults[ChallengeKind]>
  /** Sends a new code. */
  resend(): Promise<void>
  /** Gives up (a waiting step-up call rejects with `challenge_cancelled`); the prompt goes away. */
  cancel(): void
}

export interface AuthStore {
  subscribe(listener: () => void): () => void
  auth(): AuthSnapshot
  challenge(): ChallengePrompt | null
  /** Shows a challenge that came without an event (`auth.resumeChallenge()`). */
  offer(challenge: Challenge): void
}

/** The one snapshot a server render and the first client render both show, so hydration matches. */
export const LOADING: AuthSnapshot = Object.freeze({ status: 'loading', session: null, signOutReason: null, error: null })

/** Challenges that belong to a session: when it ends they can lead nowhere. */
const SESSION_BOUND: readonly ChallengeKind[] = ['step_up', 'change_password_2fa']

// Errors that come out of AuthClient and its challenges are AuthErrors by contract.
const asAuthError = (error: unknown): AuthError => error as AuthError

export function createAuthStore(client: AuthClient<AuthAdapter<never>>): AuthStore {
  let auth = LOADING
  let prompt: ChallengePrompt | null = null
  const listeners = new Set<() => void>()
  let detach: (() => void) | null = null
  /** Grows with every event: a session read that started before an event must not overwrite it. */
  let seen = 0

  const notify = (): void => {
    for (const listener of [...listeners]) listener()
  }
  const setAuth = (next: AuthSnapshot): void => {
    auth = next
    notify()
  }
  const setPrompt = (next: ChallengePrompt | null): void => {
    prompt = next
    notify()
  }

  /** A fresh view of `challenge`; `current()` tells whether it is still the one shown. */
  function view(challenge: Challenge, error: AuthError | null = null, busy = false): ChallengePrompt {
    const current = (): boolean => prompt?.challenge === challenge
    const update = (error: AuthError | null, busy: boolean): void => {
      if (current()) setPrompt(view(challenge, error, busy))
    }
    return {
      kind: challenge.kind,
      methods: challenge.methods,
      expiresAt: challenge.expiresAt,
      attemptsLeft: challenge.attemptsLeft,
      error,
      busy,
      challenge,
      async verify(answer) {
        update(null, true)
        try {
          const result = await challenge.verify(answer)
          // Answered: a next step (another challenge) has replaced this prompt already.
          if (current()) setPrompt(null)
          return result
        } catch (error) {
          update(asAuthError(error), false)
          throw error
        }
      },
      async resend() {
        update(null, true)
        try {
          await challenge.resend()
          update(null, false)
        } catch (error) {
          update(asAuthError(error), false)
          throw error
        }
      },
      cancel() {
        challenge.cancel()
        if (current()) setPrompt(null)
      },
    }
  }

  function attach(): () => void {
    const offs = [
      client.on('signedIn', ({ session }) => {
        seen++
        // The sign-in it was for is over (answered through the challenge itself, or in another tab).
        if (prompt && !SESSION_BOUND.includes(prompt.kind)) prompt = null
        setAuth({ status: 'signedIn', session, signOutReason: null, error: null })
      }),
      client.on('tokenRefreshed', ({ session }) => {
        seen++
        setAuth({ status: 'signedIn', session, signOutReason: null, error: null })
      }),
      client.on('signedOut', ({ reason }) => {
        seen++
        if (prompt && SESSION_BOUND.includes(prompt.kind)) {
          prompt.challenge.cancel()
          prompt = null
        }
        setAuth({ status: 'signedOut', session: null, signOutReason: reason, error: null })
      }),
      client.on('refreshFailed', ({ error }) => {
        seen++
        // A definitive failure is followed by `signedOut`, which says so.
        if (auth.status === 'signedIn') setAuth({ ...auth, error })
      }),
      client.on('challenge', ({ challenge }) => setPrompt(view(challenge))),
    ]
    // Catch up with the client: its stored session at start, or what changed while detached.
    const before = seen
    void Promise.all([client.ready(), client.getSession()]).then(
      ([initial, session]) => {
        if (seen !== before || detach === null) return
        if (session) {
          if (auth.status !== 'signedIn' || auth.session?.user.id !== session.user.id || auth.session.expiresAt !== session.expiresAt) {
            setAuth({ status: 'signedIn', session, signOutReason: null, error: null })
          }
        } else if (auth.status !== 'signedOut') {
          setAuth({ status: 'signedOut', session: null, signOutReason: initial.reason ?? null, error: null })
        }
      },
      // A disposed client has nothing to show.
      () => {},
    )
    return () => offs.forEach((off) => off())
  }

  return {
    // The client is listened to only while React listens (StrictMode's unmount/remount included).
    subscribe(listener) {
      listeners.add(listener)
      detach ??= attach()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && detach) {
          detach()
          detach = null
        }
      }
    },
    auth: () => auth,
    challenge: () => prompt,
    offer: (challenge) => setPrompt(view(challenge)),
  }
}
