/**
 * Bounded retries for transient failures (network, server, rate limit): exponential backoff with
 * jitter, so tabs and devices that failed together do not retry in lockstep.
 */
import { AuthError, toAuthError } from './errors'

export interface RetryOptions {
  /** Total tries, including the first. */
  tries: number
  sleep: (ms: number) => Promise<void>
  baseDelayMs?: number
  /** A server that asks (`Retry-After`) for a longer pause than this is not retried now. Default 10 s. */
  maxRetryAfterMs?: number
  random?: () => number
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { tries, sleep, baseDelayMs = 300, maxRetryAfterMs = 10_000, random = Math.random } = options
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (caught) {
      const error: AuthError = toAuthError(caught)
      const asked = error.retryAfterMs ?? 0
      if (!error.retryable || n >= tries || asked > maxRetryAfterMs) throw error
      // 300 ms, 600 ms, 1.2 s … each scaled into [50 %, 100 %]; never sooner than the server asked.
      await sleep(Math.max(asked, baseDelayMs * 2 ** (n - 1) * (0.5 + random() / 2)))
    }
  }
}
