/**
 * Proactive refresh: one timer that fires when the token is due, so a user never waits on a
 * refresh. Paused while the page is hidden (browsers throttle background timers anyway, and a
 * hidden tab need not keep tokens fresh); on return it fires at once if the time has passed.
 */

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

interface VisibilityDocument {
  visibilityState?: string
  addEventListener(type: 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'visibilitychange', listener: () => void): void
}

/**
 * @param delay ms until the next refresh is due (≤ 0: now), or null when nothing needs one.
 * @param fire makes the token fresh; rejects when it could not.
 */
export function createRefreshTimer(delay: () => number | null, fire: () => Promise<unknown>): RefreshTimer {
  const doc = (globalThis as { document?: VisibilityDocument }).document
  let handle: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const onVisibility = (): void => schedule()
  doc?.addEventListener('visibilitychange', onVisibility)

  function schedule(minDelayMs = 0): void {
    clearTimeout(handle)
    handle = undefined
    const ms = delay()
    if (stopped || ms === null || doc?.visibilityState === 'hidden') return
    handle = setTimeout(
      () => {
        handle = undefined
        fire().then(
          () => schedule(MIN_GAP_MS),
          () => schedule(RETRY_MS),
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
      doc?.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
