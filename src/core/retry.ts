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
  random?: () => number
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { tries, sleep, baseDelayMs = 300, random = Math.random } = options
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (caught) {
      const error: AuthError = toAuthError(caught)
      if (!error.retryable || n >= tries) throw error
      // 300 ms, 600 ms, 1.2 s … each scaled into [50 %, 100 %].
      await sleep(baseDelayMs * 2 ** (n - 1) * (0.5 + random() / 2))
    }
  }
}
