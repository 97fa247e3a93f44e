/**
 * The backend's brute-force throttles, one reusable piece for every surface. Each throttle counts
 * events per account, per client and/or per destination on the mock clock, with limits read live
 * from `config.limits` (so `PUT /__mock/config` applies at once):
 *
 *   const taken = state.limits.take('passwordFailures', { account: email, client: clientOf(request) })
 *   if (!taken.ok) → answer the surface's throttled error with taken.retryAfterMs
 *   … check the password … if it was right: taken.release()   (only failures count)
 *
 * An attempt is counted before the slow check and taken back when it succeeds, so concurrent
 * requests (or aliased GraphQL fields) cannot all pass the check before any failure is counted.
 */
import { RateLimiter } from './rate-limit'
import type { Clock, LimitsConfig, Throttle } from './types'

export type ThrottleName = 'passwordFailures' | 'codeSends' | 'codeFailures' | 'registrations'

/** Who an event is counted against; a scope the throttle has no setting for is ignored. */
export interface ThrottleSubject {
  /** The account identifier as typed (email lowercased, username, user id): unknown accounts are throttled alike. */
  account?: string | null | undefined
  /** The client (see `clientOf`). */
  client?: string | null | undefined
  /** Where a code goes (email address, phone number). */
  destination?: string | null | undefined
}

export interface LimitsDump {
  counters: ReturnType<RateLimiter['dump']>
  totpLocks: Array<[string, number]>
}

export type Taken = { ok: true; release(): void } | { ok: false; retryAfterMs: number; scope: keyof ThrottleSubject }

/**
 * The header that names the client. The standalone server sets it to the TCP peer address
 * (replacing whatever the request carried); in-process requests without it are one client,
 * `local`. `X-Forwarded-For` is not trusted: anyone can write it.
 */
export const CLIENT_HEADER = 'x-portcullis-client'

export function clientOf(request: { readonly headers: Headers }): string {
  return request.headers.get(CLIENT_HEADER)?.trim() || 'local'
}

const SCOPES = ['account', 'client', 'destination'] as const
/** Longest part of an identifier that names a bucket. */
export const MAX_SUBJECT_LENGTH = 320
const SCOPE_SETTINGS = { account: 'perAccount', client: 'perClient', destination: 'perDestination' } as const

export class Limits {
  private readonly counters: RateLimiter
  private readonly totpLocks = new Map<string, number>()

  constructor(
    private readonly clock: Clock,
    private readonly config: () => LimitsConfig,
  ) {
    this.counters = new RateLimiter(clock)
  }

  /** Counts one event against every scope of `subject`, all or nothing; refused while any scope is full. */
  take(name: ThrottleName, subject: ThrottleSubject): Taken {
    const settings = this.config()[name] as Partial<Record<(typeof SCOPE_SETTINGS)[keyof typeof SCOPE_SETTINGS], Throttle>>
    const applied: Array<{ key: string; throttle: Throttle; scope: keyof ThrottleSubject }> = []
    for (const scope of SCOPES) {
      const value = subject[scope]
      const throttle = settings[SCOPE_SETTINGS[scope]]
      // Cut long identifiers: a megabyte-long "email" must not become a megabyte-long key (it only merges buckets).
      if (value && throttle) applied.push({ key: `${name}:${scope}:${value.slice(0, MAX_SUBJECT_LENGTH).toLowerCase()}`, throttle, scope })
    }
    let refused: { retryAfterMs: number; scope: keyof ThrottleSubject } | undefined
    for (const { key, throttle, scope } of applied) {
      const verdict = this.counters.peek(key, throttle.max, throttle.windowSeconds * 1000)
      if (!verdict.allowed && (!refused || verdict.retryAfterMs > refused.retryAfterMs)) refused = { retryAfterMs: verdict.retryAfterMs, scope }
    }
    if (refused) return { ok: false, ...refused }
    for (const { key, throttle } of applied) this.counters.hit(key, throttle.max, throttle.windowSeconds * 1000)
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        for (const { key } of applied) this.counters.release(key)
      },
    }
  }

  /** Whether the user's authenticator is locked after too many wrong codes: `retryAfterMs` until it opens. */
  totpLocked(userId: string): { locked: false } | { locked: true; retryAfterMs: number } {
    const until = this.totpLocks.get(userId)
    const now = this.clock.now()
    if (until === undefined) return { locked: false }
    if (until <= now) {
      this.totpLocks.delete(userId)
      return { locked: false }
    }
    return { locked: true, retryAfterMs: until - now }
  }

  /**
   * Counts a wrong authenticator code; the `max`-th in the window locks the factor for
   * `lockSeconds`. Returns how many more wrong codes the window takes before that (0: now locked).
   */
  totpFailed(userId: string): number {
    const { max, windowSeconds, lockSeconds } = this.config().totpFailures
    const verdict = this.counters.hit(`totpFailures:${userId}`, max, windowSeconds * 1000)
    const left = max - this.counters.count(`totpFailures:${userId}`, windowSeconds * 1000)
    if (!verdict.allowed || left <= 0) {
      this.totpLocks.set(userId, this.clock.now() + lockSeconds * 1000)
      this.counters.clearKey(`totpFailures:${userId}`)
      return 0
    }
    return left
  }

  /** A right authenticator code: earlier failures are forgotten. */
  totpSucceeded(userId: string): void {
    this.counters.clearKey(`totpFailures:${userId}`)
  }

  /** Counter keys held (bounded; for the bounded-state checks). */
  size(): number {
    return this.counters.size() + this.totpLocks.size
  }

  clear(): void {
    this.counters.clear()
    this.totpLocks.clear()
  }

  /** Counters and authenticator locks, for the browser mock's saved state. */
  dump(): LimitsDump {
    return { counters: this.counters.dump(), totpLocks: [...this.totpLocks] }
  }

  load(dump: LimitsDump): void {
    this.counters.load(dump.counters)
    this.totpLocks.clear()
    for (const [userId, until] of dump.totpLocks) this.totpLocks.set(userId, until)
  }
}
