/** Test doubles for the core: a clock, an in-memory adapter that counts calls, fetch, locks, storage, document. */
import { vi } from 'vitest'
import type { AdapterContext, AdapterResult, AuthAdapter, ChallengeState, TokenSet } from '../../../src/core/adapter'
import { AuthError } from '../../../src/core/errors'
import { createStepUp } from '../../../src/core/step-up'
import type { TokenStorage } from '../../../src/core/storage'

export const PASSWORD = 'correct horse battery staple'
export const CODE = '424242'

export function fakeClock(start = Date.UTC(2030, 0, 1)) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    set: (ms: number) => void (now = ms),
  }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

/** Lets every pending promise callback run (storage writes, BroadcastChannel hops need real turns). */
export const settle = async (turns = 5): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

export interface FakeAdapterOptions {
  /** The backend's clock (server time); default the test clock. */
  serverNow: () => number
  lifetimeMs?: number
  /** Sign-in asks for a 2FA code. */
  twoFactor?: boolean
  attempts?: number
}

/**
 * A backend in memory. Refresh tokens rotate and a spent one is "reused" (definitive failure),
 * so a test notices when a client replays an old refresh token.
 */
export function fakeAdapter(options: FakeAdapterOptions) {
  const { serverNow, lifetimeMs = 10 * 60_000 } = options
  let serial = 0
  const live = new Set<string>()
  const spent = new Set<string>()
  const calls = { signIn: 0, refresh: 0, verify: 0, resend: 0, signOut: 0, detect: 0 }
  /** Queued outcomes for the next refresh calls (errors to throw, or a gate to wait on). */
  const refreshPlan: Array<AuthError | Deferred<void>> = []
  let attemptsLeft = options.attempts ?? 3

  const issue = (): TokenSet => {
    serial++
    const refreshToken = `refresh-secret-${serial}`
    live.add(refreshToken)
    const now = serverNow()
    return { accessToken: `access-secret-${serial}`, refreshToken, expiresAt: now + lifetimeMs, issuedAt: now }
  }

  const adapter: AuthAdapter = {
    name: 'fake',
    async signIn(_context, credentials): Promise<AdapterResult> {
      calls.signIn++
      if (credentials.password !== PASSWORD) {
        throw new AuthError('Wrong email or password.', { code: 'invalid_credentials', kind: 'auth', status: 401 })
      }
      const user = { id: 'user-1', email: credentials.email ?? null }
      if (options.twoFactor) {
        return {
          type: 'challenge',
          challenge: { adapter: 'fake', kind: 'sign_in_2fa', methods: ['email_code'], expiresAt: serverNow() + 600_000, attemptsLeft, data: { sessionId: 's-1', email: user.email } },
        }
      }
      return { type: 'session', tokens: issue(), user }
    },
    async verifyChallenge(_context, state, answer): Promise<AdapterResult> {
      calls.verify++
      if (state.kind === 'step_up') return { type: 'done' }
      if (answer !== CODE) {
        attemptsLeft--
        throw new AuthError('The code is not valid.', { code: 'invalid_code', kind: 'challenge', status: 400 })
      }
      return { type: 'session', tokens: issue(), user: { id: 'user-1', email: String(state.data['email']) } }
    },
    async resendChallenge(_context, state) {
      calls.resend++
      attemptsLeft = options.attempts ?? 3
      return { ...state, attemptsLeft, expiresAt: serverNow() + 600_000 }
    },
    async refresh(_context, tokens) {
      calls.refresh++
      const step = refreshPlan.shift()
      if (step instanceof AuthError) throw step
      if (step) await step.promise
      const token = tokens.refreshToken ?? ''
      if (spent.has(token)) throw new AuthError('This refresh token was already used.', { code: 'refresh_token_reused', kind: 'auth', status: 401 })
      if (!live.has(token)) throw new AuthError('The refresh token is not valid.', { code: 'invalid_refresh_token', kind: 'auth', status: 401 })
      live.delete(token)
      spent.add(token)
      return issue()
    },
    async signOut() {
      calls.signOut++
    },
    async detectStepUp(_context: AdapterContext, request: Request, response: Response): Promise<ChallengeState | null> {
      calls.detect++
      if (response.headers.get('x-needs-otp') !== '1') return null
      return { adapter: 'fake', kind: 'step_up', methods: ['totp'], expiresAt: null, attemptsLeft: null, data: { path: new URL(request.url).pathname } }
    },
    stepUpHeaders: (_state, code) => ({ 'x-otp': code }),
    createStepUp,
  }

  return {
    adapter,
    calls,
    refreshPlan,
    /** Mints a session as if signed in elsewhere (for seeding storage). */
    issue,
    get serial() {
      return serial
    },
  }
}

/** A backend call guarded by a step-up: it needs `x-otp: CODE`, otherwise a 401 with the fake adapter's step-up marker. */
export const guarded = (request: Request): Response =>
  request.headers.get('x-otp') === CODE
    ? Response.json({ deleted: true })
    : new Response('{"code":"otp_invalid"}', { status: 401, headers: { 'x-needs-otp': '1' } })

export const transient = (): AuthError => new AuthError('The backend is unavailable.', { code: 'http_503', kind: 'server', status: 503 })

export interface RecordedRequest {
  method: string
  url: string
  authorization: string | null
  headers: Headers
  body: string
}

/** A fetch that records what it was sent and answers with `respond`. */
export function fakeFetch(respond: (request: Request, body: string, n: number) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = []
  const fetch = vi.fn(async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const body = await request.clone().text()
    requests.push({ method: request.method, url: request.url, authorization: request.headers.get('authorization'), headers: request.headers, body })
    return respond(request, body, requests.length)
  })
  return { fetch, requests }
}

/** A Storage-like object with a few knobs for failure cases. */
export function fakeWebStorage() {
  const items = new Map<string, string>()
  const knobs = { failReads: false, failWrites: false }
  return {
    items,
    knobs,
    getItem(key: string) {
      if (knobs.failReads) throw new Error('SecurityError')
      return items.get(key) ?? null
    },
    setItem(key: string, value: string) {
      if (knobs.failWrites) throw new Error('QuotaExceededError')
      items.set(key, value)
    },
    removeItem(key: string) {
      items.delete(key)
    },
  }
}

/** An async storage (AsyncStorage-like) over a Map, to prove the core awaits everything. */
export function asyncStorage(items = new Map<string, string>()): TokenStorage & { items: Map<string, string> } {
  return {
    items,
    getItem: async (key) => items.get(key) ?? null,
    setItem: async (key, value) => void items.set(key, value),
    removeItem: async (key) => void items.delete(key),
  }
}

/** An in-memory `navigator.locks`: exclusive, FIFO, with `held` for assertions. */
export function fakeLocks() {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  let requests = 0
  const release = (name: string): void => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  return {
    held,
    get requests() {
      return requests
    },
    request<T>(name: string, optionsOrTask: object | ((lock: unknown) => Promise<T>), maybeTask?: (lock: unknown) => Promise<T>): Promise<T> {
      const task = (typeof optionsOrTask === 'function' ? optionsOrTask : maybeTask) as (lock: unknown) => Promise<T>
      // `ifAvailable` on a held lock: the task runs at once with no lock (not counted as a request).
      if (typeof optionsOrTask === 'object' && (optionsOrTask as { ifAvailable?: boolean }).ifAvailable && held.has(name)) {
        return Promise.resolve().then(() => task(null))
      }
      requests++
      const signal = typeof optionsOrTask === 'object' ? (optionsOrTask as { signal?: AbortSignal }).signal : undefined
      return new Promise<T>((resolve, reject) => {
        const run = (): void => {
          held.add(name)
          Promise.resolve()
            .then(() => task({ name }))
            .then(resolve, reject)
            .finally(() => release(name))
        }
        if (!held.has(name)) return run()
        const queue = queues.get(name) ?? queues.set(name, []).get(name)!
        queue.push(run)
        // Like the Web Locks API: an aborted request leaves the queue and rejects with the reason.
        signal?.addEventListener('abort', () => {
          const at = queue.indexOf(run)
          if (at >= 0) queue.splice(at, 1), reject(signal.reason)
        })
      })
    },
  }
}

/** Just enough of `document` for the Page Visibility API. */
export function fakeDocument() {
  const listeners = new Set<() => void>()
  return {
    visibilityState: 'visible' as 'visible' | 'hidden',
    addEventListener: (_type: string, listener: () => void) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => void listeners.delete(listener),
    listeners,
    setVisibility(state: 'visible' | 'hidden') {
      this.visibilityState = state
      for (const listener of [...listeners]) listener()
    },
  }
}

let keys = 0
/** A storage key no other test uses (BroadcastChannel names derive from it). */
export const uniqueKey = (): string => `test.session.${process.pid}.${++keys}.${Math.random().toString(36).slice(2)}`

import { AuthClient, type AuthClientOptions } from '../../../src/core/auth-client'

export interface ClientSetup {
  options?: Partial<AuthClientOptions>
  adapter?: Partial<FakeAdapterOptions>
  clock?: ReturnType<typeof fakeClock>
  backend?: ReturnType<typeof fakeAdapter>
}

/** An AuthClient over the fake adapter, with a fake clock and a recorded (instant) sleep. */
export function makeClient(setup: ClientSetup = {}) {
  const clock = setup.clock ?? fakeClock()
  const backend = setup.backend ?? fakeAdapter({ serverNow: clock.now, ...setup.adapter })
  const storage = asyncStorage()
  const sleeps: number[] = []
  const auth = new AuthClient({
    baseUrl: 'https://auth.test',
    api: backend.adapter,
    storage,
    storageKey: uniqueKey(),
    crossTab: false,
    now: clock.now,
    sleep: async (ms) => void sleeps.push(ms),
    ...setup.options,
  })
  return { auth, clock, backend, storage, sleeps }
}

/** Records every event a client emits, in order. */
export function recordEvents(auth: AuthClient) {
  const log: Array<{ name: string; payload: unknown }> = []
  for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'refreshFailed', 'challenge'] as const) {
    auth.on(name, (payload) => void log.push({ name, payload }))
  }
  return log
}
