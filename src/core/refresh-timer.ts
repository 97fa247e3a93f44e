/**
 * Proactive refresh: one timer that fires when the token is due, so a user never waits on a
 * refresh. Paused while the app is hidden (a background tab, a backgrounded React Native app:
 * their timers are throttled anyway, and nobody waits on them); on return it fires at once if
 * the time has passed.
 */
import { documentVisibility } from './visibility'

/** After a failed proactive refresh, try again this much later rather than spin. */
const RETRY_MS = 30_000
/** Never fire more often than this, whatever the expiry says (a bad clock, a short token). */
const MIN_GAP_MS = 5_000
/** setTimeout overflows past 2^31 - 1 ms and would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1

export interface RefreshTimer {
  /** (Re)plans the timer from the current session. */
  schedule(minDelayMs?: number): void
  stop(): void
}

/**
 * @param delay ms until the next refresh is due (≤ 0: now), or null when nothing needs one.
 * @param fire makes the token fresh; rejects when it could not.
 * @param visibility pauses the timer while hidden; default the page's (none off the web).
 */
export function createRefreshTimer(delay: () => number | null, fire: () => Promise<unknown>, visibility = documentVisibility()): RefreshTimer {
  let handle: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const unsubscribe = visibility?.subscribe(() => schedule())

  function schedule(minDelayMs = 0): void {
    clearTimeout(handle)
    handle = undefined
    const ms = delay()
    if (stopped || ms === null || visibility?.hidden()) return
    handle = setTimeout(
      () => {
        handle = undefined
        fire().then(
          () => schedule(MIN_GAP_MS),
          // Not sooner than the server asked (Retry-After on a rate limit).
          (error: { retryAfterMs?: number } | null) => schedule(Math.max(RETRY_MS, error?.retryAfterMs ?? 0)),
        )
      },
      Math.min(Math.max(ms, minDelayMs, 0), MAX_DELAY_MS),
    )
    // Node: a refresh timer must not keep a process alive on its own.
    ;(handle as { unref?: () => void }).unref?.()
  }

  return {
    schedule,
    stop() {
      stopped = true
      clearTimeout(handle)
      unsubscribe?.()
    },
  }
}
