/**
 * Server-corrected time. Token expiries are server timestamps, so every expiry check goes through
 * `now()`, which adds the estimated skew (server minus local clock) to the local clock.
 */
export interface Clock {
  /** Server time, epoch ms. */
  now(): number
  /** Estimated server-minus-local offset in ms (0 until something says otherwise). */
  readonly skew: number
  /** From a response's `Date` header: the most direct measure, so it wins over `iat`. */
  observeDate(header: string | null): void
  /** From a freshly issued token's `iat` (ms), used until a `Date` header is seen. */
  observeIssuedAt(issuedAt: number | null | undefined): void
}

/** Both sources have one-second resolution plus latency: smaller offsets are noise. */
const NOISE_MS = 2_000

export function createClock(localNow: () => number = Date.now): Clock {
  let skew = 0
  let sawDate = false
  // Both sources are truncated to the second, so the middle of that second is the best guess.
  const estimate = (serverMs: number): void => {
    const offset = serverMs + 500 - localNow()
    skew = Math.abs(offset) < NOISE_MS ? 0 : offset
  }
  return {
    now: () => localNow() + skew,
    get skew() {
      return skew
    },
    observeDate(header) {
      const ms = header ? Date.parse(header) : NaN
      if (ms === ms) {
        sawDate = true
        estimate(ms)
      }
    },
    observeIssuedAt(issuedAt) {
      if (!sawDate && typeof issuedAt === 'number') estimate(issuedAt)
    },
  }
}

/** Default `sleep` for backoff; only used during a call, never as a background timer. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
