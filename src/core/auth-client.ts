/**
 * AuthClient: a thin coordinator. It wires the pieces together (session store, refresher,
 * refresh timer, cross-tab channel, challenge handoff, authenticated fetch) and turns what the
 * adapter returns into committed state and events; the pieces do the work.
 */
import { abortable, withDeadline } from './abort'
import type { AdapterContext, AdapterResult, AuthAdapter, ChallengeState, CredentialsOf } from './adapter'
import { cancelledError, createChallenge, parseChallengeState, type AuthResult, type Challenge } from './challenge'
import { createClock, sleep, type Clock } from './clock'
import { noLock, openChannel, webLock, type Channel, type ChannelMessage } from './cross-tab'
import { createEmitter, type Emitter, type Listener } from './emitter'
import { AuthError, badResponse, toAuthError } from './errors'
import { createRefreshTimer, type RefreshTimer } from './refresh-timer'
import { createRefresher, type RefreshOutcome, type SignOutReason } from './refresher'
import { isDue, isExpired, refreshAt, sameTokens, toSession, type Session, type StoredSession } from './session'
import { checkTokens, CORRUPT } from './session-codec'
import { createSessionStore, type SessionStore } from './session-store'
import type { Visibility } from './visibility'
import { defaultStorage, type TokenStorage } from './storage'
import type { FetchLike } from './types'
import { createAuthenticatedFetch, tokenOrigins } from '../transport/authenticated-fetch'

/** `AuthAdapter<never>`: any adapter, whatever its credentials (`signIn()` takes `CredentialsOf<A>`). */
export interface AuthClientOptions<A extends AuthAdapter<never> = AuthAdapter> {
  /** Origin (and optional path prefix) of the backend. */
  baseUrl: string
  /** The surface adapter, e.g. `otpApi()` or `platformApi()`. */
  api: A
  /** Default: `localStorage` in a browser page, memory elsewhere (nothing persists on a server). */
  storage?: TokenStorage
  /** Default `portcullis.session`; also names the cross-tab lock and channel. */
  storageKey?: string
  /** Default `globalThis.fetch`, looked up per call. */
  fetch?: FetchLike
  /**
   * Where `auth.fetch` may send the access token besides the origin of `baseUrl` (always
   * allowed): more origins of your own APIs (`['https://api.example.com']`), or a function that
   * decides per URL. Requests anywhere else go out without it (and are never refreshed or
   * stepped up), so a token never leaks to a third party.
   */
  tokenOrigins?: readonly string[] | ((url: URL) => boolean)
  /** Refresh before expiry on a timer. Default: true in a browser page, false elsewhere. */
  autoRefresh?: boolean
  /**
   * When the app is hidden, so the refresh timer pauses: the page's visibility by default;
   * React Native passes `appStateVisibility(AppState)`.
   */
  visibility?: Visibility
  /** How long before expiry a token counts as due. Default 60 s. */
  refreshMarginMs?: number
  /** Share refreshes and sign-in/out with other tabs (Web Locks + BroadcastChannel). Default: true in a browser page. */
  crossTab?: boolean
  /** Local clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Backoff sleep. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>
  /** Tries per refresh on transient failures (network, server, rate limit). Default 3. */
  refreshAttempts?: number
  /**
   * How long a caller waits for a refresh before it gets a transient `timeout` error (the
   * session is kept), so a stalled backend holds no `getAccessToken()` or `auth.fetch` for
   * long. The refresh request itself goes on until it is answered: its refresh token may be
   * spent on the server already, so only its answer can be trusted. Default 15 s.
   */
  refreshTimeoutMs?: number
}

/** What `auth.signOut()` achieved on the server (locally the session always ends). */
export interface SignOutResult {
  /**
   * True when the backend ended the session (its refresh token no longer works); false when
   * the API cannot revoke (otp: sign-out is local) or the backend could not be told (`error`).
   */
  revoked: boolean
  error?: AuthError
}

/** How the stored session looked at start: `reason` says why there was none to use. */
export interface InitialSession {
  session: Session | null
  reason?: 'storage_corrupt'
}

export type { SignOutReason }

/** The events `auth.on()` announces, with their payloads. */
export interface AuthEvents {
  signedIn: { session: Session }
  signedOut: { reason: SignOutReason; error?: AuthError }
  tokenRefreshed: { session: Session }
  /** After the last try; `signedOut` says whether the session ended with it. */
  refreshFailed: { error: AuthError; signedOut: boolean }
  /** A second factor is wanted: at sign-in, or (step-up) by a call waiting in `auth.fetch`. */
  challenge: { challenge: Challenge }
}

/** What `auth.signIn()` resolves to: signed in, or a challenge to answer. */
export type SignInResult = Extract<AuthResult, { status: 'signedIn' | 'challenge' }>

const isBrowser = (): boolean => typeof document === 'object'

declare global {
  /**
   * Empty unless the app's `lib` has `esnext.disposable` (or it has Node's types), which give it
   * `[Symbol.dispose]`: then `using auth = new AuthClient(…)` type-checks, while a browser app's
   * `lib: ["es2022", "dom"]` needs neither (the method itself is left out of the published types).
   */
  interface Disposable {}
}

// Declaration merging: the class takes Disposable's members (none, or `[Symbol.dispose]`).
export interface AuthClient<A extends AuthAdapter<never> = AuthAdapter> extends Disposable {}

/**
 * Signs in through one adapter, keeps the session (storage, refresh, events) and authenticates requests.
 *
 * @example
 * ```ts
 * const auth = new AuthClient({ baseUrl: 'http://127.0.0.1:4010', api: otpApi() })
 * const result = await auth.signIn({ email, password })
 * // any API, with the bearer token and one refresh-and-retry on 401:
 * const response = await auth.fetch('/auth/otp/code?method=EMAIL')
 * ```
 */
export class AuthClient<A extends AuthAdapter<never> = AuthAdapter> {
  readonly baseUrl: string
  readonly api: A
  /**
   * Authenticated fetch, bound (pass it around freely): adds the bearer token, refreshes and
   * retries once when it is rejected, hands step-ups to the `challenge` listener. Relative URLs
   * are appended to `baseUrl`. The token only goes to the origin of `baseUrl` and to
   * `tokenOrigins`; any other URL is fetched as it is. `createOtpClient(auth)` and friends use it.
   */
  readonly fetch: FetchLike

  readonly #clock: Clock
  readonly #store: SessionStore
  readonly #events: Emitter<AuthEvents> = createEmitter()
  readonly #context: AdapterContext
  readonly #refresh: (rejected?: string, signal?: AbortSignal | null) => Promise<{ accessToken: string } | null>
  readonly #channel: Channel | null
  readonly #timer: RefreshTimer | null
  readonly #pending = new Set<Challenge>()
  readonly #marginMs: number
  readonly #ready: Promise<InitialSession>
  /** Aborted by dispose(): in-flight refreshes stop, and every call rejects with `client_disposed`. */
  readonly #life = new AbortController()

  constructor(options: AuthClientOptions<A>) {
    const { baseUrl, api, storageKey = 'portcullis.session', crossTab = isBrowser() } = options
    const clock = (this.#clock = createClock(options.now))
    const store = (this.#store = createSessionStore(options.storage ?? defaultStorage(), storageKey))
    const marginMs = (this.#marginMs = options.refreshMarginMs ?? 60_000)
    const shared = `portcullis:${storageKey}`
    this.baseUrl = baseUrl
    this.api = api

    const rawFetch: FetchLike = (input, init) => (options.fetch ?? globalThis.fetch)(input, init)
    // Skew is measured only on the adapter's own calls to the backend (uncached POSTs): other
    // APIs have their own clocks, and a cached answer (`Age`) has an old `Date`.
    const plainFetch: FetchLike = async (input, init) => {
      const response = await rawFetch(input, init)
      if (!response.headers.has('age')) clock.observeDate(response.headers.get('date'))
      return response
    }
    const context: AdapterContext = (this.#context = {
      baseUrl,
      fetch: plainFetch,
      authorizedFetch: (input, init) => this.fetch(input, init),
      now: clock.now,
    })

    const storageWaiters = new Set<() => void>()
    const settled = (): Promise<void> =>
      new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          storageWaiters.delete(done)
          resolve()
        }
        const timer = setTimeout(done, 1_000)
        storageWaiters.add(done)
      })
    const life = this.#life.signal
    const refresher = createRefresher({
      store,
      lock: crossTab ? webLock(shared) : noLock,
      now: clock.now,
      marginMs,
      tries: options.refreshAttempts ?? 3,
      sleep: options.sleep ?? sleep,
      // dispose() aborts a refresh in flight.
      refresh: (tokens) => abortable(api.refresh({ ...context, fetch: (input, init) => plainFetch(input, { ...init, signal: life }) }, tokens), life).then(checkTokens),
      received: (tokens) => this.#received(tokens).tokens,
      announce: (outcomes) => this.#announce(outcomes),
      ...(crossTab && { settled }),
    })
    // Callers wait at most refreshTimeoutMs (or until their signal fires). The request itself
    // goes on, still under the lock: once sent, its refresh token may be spent on the server,
    // so its answer must be kept, and no other refresh may replay that token meanwhile.
    const timeoutMs = options.refreshTimeoutMs ?? 15_000
    this.#refresh = (rejected, signal) => withDeadline(refresher(rejected), timeoutMs, signal)

    const detect = api.detectStepUp
    const createStepUp = api.createStepUp
    if (detect && !createStepUp) throw new TypeError('detectStepUp needs createStepUp')
    this.fetch = createAuthenticatedFetch({
      baseUrl,
      fetch: rawFetch,
      authorize: tokenOrigins(baseUrl, options.tokenOrigins),
      accessToken: (signal) => this.getAccessToken({ signal }),
      session: () => store.lineage,
      refreshRejected: async (token) => (await this.#refresh(token))?.accessToken ?? null,
      scheme: api.scheme,
      isUnauthorized: api.isUnauthorized?.bind(api),
      ...(detect && {
        stepUp: createStepUp!({
          detect: (request, response) => detect.call(api, context, request, response),
          verify: (state, answer) => api.verifyChallenge(context, state, answer),
          resend: (state) => api.resendChallenge(context, state),
          headers: (state, answer) => (typeof answer === 'string' && api.stepUpHeaders?.(state, answer)) || {},
          settle: (result) => this.#settle(result),
          offer: (challenge) => {
            if (!this.#events.has('challenge')) return false
            this.#events.emit('challenge', { challenge })
            return true
          },
          pending: this.#pending,
          skew: () => clock.skew,
        }),
      }),
    })

    this.#channel = crossTab
      ? openChannel(
          shared,
          (fromStorage) => {
            void this.#sync().then(() => {
              if (fromStorage) for (const wake of [...storageWaiters]) wake()
            })
          },
          storageKey,
        )
      : null
    this.#timer =
      (options.autoRefresh ?? isBrowser())
        ? createRefreshTimer(
            () => {
              const tokens = store.current?.tokens
              // Without a refresh token there is nothing to do before the token expires.
              const at = tokens && (tokens.refreshToken ? refreshAt(tokens, marginMs) : tokens.expiresAt)
              return at == null ? null : at - clock.now()
            },
            // Not getAccessToken(): that hides a failure while the old token still works.
            () => this.#refresh(),
            options.visibility,
          )
        : null
    this.#ready = this.#load()
  }

  /**
   * Signs in; a second factor comes back as `{ status: 'challenge', challenge }` (and a
   * `challenge` event). The credentials are the adapter's (otp needs `email`).
   */
  async signIn(credentials: CredentialsOf<A>): Promise<SignInResult> {
    const result = await this.run((context) => this.api.signIn(context, credentials as never))
    if (result.status === 'verified') throw badResponse('no session')
    return result
  }

  /**
   * Ends the session here at once (a refresh still in flight is discarded), then on the server:
   * resolves with whether the backend revoked it (see SignOutResult); never rejects for that.
   */
  async signOut(): Promise<SignOutResult> {
    await this.#live()
    const previous = this.#store.current
    if (!previous) return { revoked: false }
    await this.#commit(null, 'signedOut', { reason: 'user' })
    try {
      return { revoked: (await this.api.signOut(this.#context, previous.tokens)) !== false }
    } catch (error) {
      return { revoked: false, error: toAuthError(error) }
    }
  }

  /**
   * The stored session as it was loaded at start, once: `reason: 'storage_corrupt'` when stored
   * data was unusable (also sent as a `signedOut` event, which a listener attached later misses).
   */
  ready(): Promise<InitialSession> {
    return this.#ready
  }

  /** The current session (no tokens in it), or null. Does not refresh. */
  async getSession(): Promise<Session | null> {
    await this.#ready
    return this.#public(this.#store.current)
  }

  /**
   * A valid access token, refreshed first when due (one refresh for all concurrent callers), or
   * null when signed out (including after a definitive refresh failure: see `signedOut`).
   * Rejects only when a transient failure left an expired token: the session is kept. `signal`
   * stops this caller's wait (with its reason); the shared refresh goes on for the others.
   */
  async getAccessToken(options?: { signal?: AbortSignal | null | undefined }): Promise<string | null> {
    await this.#live()
    const current = this.#store.current
    if (!current || !isDue(current.tokens, this.#marginMs, this.#clock.now())) return current?.tokens.accessToken ?? null
    try {
      return (await this.#refresh(undefined, options?.signal))?.accessToken ?? null
    } catch (error) {
      if (options?.signal?.aborted) throw error
      // The refresh failed for now, but a token that has not expired yet still works.
      const still = this.#store.current
      if (still && !isExpired(still.tokens, this.#clock.now())) return still.tokens.accessToken
      throw error
    }
  }

  /** Subscribes; returns the unsubscribe. Listeners run after the state changed, outside any lock. */
  on<K extends keyof AuthEvents>(name: K, listener: Listener<AuthEvents[K]>): () => void {
    return this.#events.on(name, listener)
  }

  /**
   * Restores a sign-in or password-change challenge saved with `JSON.stringify(challenge)`;
   * rejects anything else (kind `validation`), a `step_up` included: that belongs to the call
   * that asked for it, so make the call again.
   */
  resumeChallenge(saved: string | ChallengeState): Challenge {
    return this.#challenge(parseChallengeState(saved, this.api.name))
  }

  /**
   * Runs an adapter operation and takes in its result like a sign-in: a session is committed,
   * a challenge is handed off. For adapter-specific calls, e.g.
   * `auth.run((ctx) => auth.api.changePassword(ctx, input))`.
   */
  async run(operation: (context: AdapterContext) => Promise<AdapterResult>): Promise<AuthResult> {
    await this.#live()
    return this.#settle(await operation(this.#context))
  }

  /**
   * Stops timers, listeners and the cross-tab channel, cancels waiting step-ups, aborts a
   * refresh in flight (its result is never stored); afterwards every call rejects with
   * `client_disposed`.
   */
  dispose(): void {
    this.#life.abort(new AuthError('This client was disposed.', { code: 'client_disposed', kind: 'validation' }))
    this.#timer?.stop()
    this.#channel?.close()
    for (const challenge of this.#pending) challenge.cancel()
    this.#events.clear()
  }

  /** @internal Typed through the Disposable interface above, only where the lib declares it. */
  [Symbol.dispose](): void {
    this.dispose()
  }

  /** Loaded, and not disposed. */
  async #live(): Promise<void> {
    await this.#ready
    this.#life.signal.throwIfAborted()
  }

  #public(stored: StoredSession): Session
  #public(stored: StoredSession | null): Session | null
  #public(stored: StoredSession | null): Session | null {
    return stored && toSession(stored, this.#clock.skew)
  }

  /** Fresh tokens from the server: feed the clock, and remember when they arrived. */
  #received(tokens: StoredSession['tokens'], user = this.#store.current?.user): StoredSession {
    this.#clock.observeIssuedAt(tokens.issuedAt)
    return { tokens: { ...tokens, issuedAt: tokens.issuedAt ?? this.#clock.now() }, user: user ?? { id: null } }
  }

  #challenge(state: ChallengeState): Challenge {
    return createChallenge(state, {
      answer: async (current, answer, open) => {
        const result = await this.api.verifyChallenge(this.#context, current, answer)
        // Cancelled (or disposed) meanwhile: nothing is committed.
        if (!open()) throw cancelledError()
        return this.#settle(result)
      },
      resend: (current) => this.api.resendChallenge(this.#context, current),
      skew: () => this.#clock.skew,
    })
  }

  async #settle(result: AdapterResult): Promise<AuthResult> {
    // A resumed challenge can be answered before the stored session was loaded: load first.
    await this.#ready
    if (result.type === 'challenge') {
      const challenge = this.#challenge(result.challenge)
      this.#events.emit('challenge', { challenge })
      return { status: 'challenge', challenge }
    }
    if (result.type === 'session') {
      const session = this.#received(checkTokens(result.tokens), result.user)
      await this.#commit(session, 'signedIn', { session: this.#public(session) })
      return { status: 'signedIn', session: this.#public(session) }
    }
    // A confirmation that rotated the tokens (e.g. a password change) keeps the user.
    if (result.tokens && this.#store.current) {
      const session = this.#received(checkTokens(result.tokens))
      await this.#commit(session, 'tokenRefreshed', { session: this.#public(session) })
    }
    return { status: 'verified' }
  }

  /** Commits, persists, then announces here and to other tabs, unless something newer happened meanwhile. */
  async #commit<K extends ChannelMessage>(session: StoredSession | null, event: K, payload: AuthEvents[K]): Promise<void> {
    this.#life.signal.throwIfAborted()
    const written = this.#store.set(session)
    const generation = this.#store.generation
    await written
    if (this.#store.generation !== generation) return
    this.#events.emit(event, payload)
    this.#channel?.post(event)
    this.#timer?.schedule()
  }

  #announce(outcomes: RefreshOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.type === 'failed') {
        this.#events.emit('refreshFailed', { error: outcome.error, signedOut: outcome.signedOut })
      } else if (outcome.type === 'refreshed') {
        this.#events.emit('tokenRefreshed', { session: this.#public(outcome.session) })
        if (!outcome.adopted) this.#channel?.post('tokenRefreshed')
      } else {
        this.#events.emit('signedOut', { reason: outcome.reason, ...(outcome.error && { error: outcome.error }) })
        if (outcome.reason !== 'remote') this.#channel?.post('signedOut')
      }
    }
    this.#timer?.schedule()
  }

  /** Reads the persisted session once at start; unreadable data means signed out, never a throw. */
  async #load(): Promise<InitialSession> {
    const stored = await this.#store.read()
    if (stored === CORRUPT) {
      await this.#store.set(null)
      this.#events.emit('signedOut', { reason: 'storage_corrupt' })
      return { session: null, reason: 'storage_corrupt' }
    }
    void this.#store.set(stored, false)
    this.#timer?.schedule()
    return { session: this.#public(stored) }
  }

  /** Another tab changed the session: adopt what storage holds now. */
  async #sync(): Promise<void> {
    await this.#ready
    const store = this.#store
    const generation = store.generation
    const previous = store.current
    const stored = await store.read()
    if (store.generation !== generation || stored === CORRUPT || sameTokens(stored, previous)) return
    void store.set(stored, false)
    if (!stored) this.#events.emit('signedOut', { reason: 'remote' })
    else this.#events.emit(previous?.user.id === stored.user.id ? 'tokenRefreshed' : 'signedIn', { session: this.#public(stored) })
    this.#timer?.schedule()
  }
}
