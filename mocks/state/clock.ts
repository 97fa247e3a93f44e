import type { Clock, Millis } from './types'

export interface ClockOptions {
  /**
   * Stop the clock: `now()` only moves through `advance`/`set`. Deterministic tests want this; a
   * developer clicking through an app wants the default ticking clock, or every token issued after
   * the first hour would already be expired in the eyes of a client that reads its own clock.
   */
  frozen?: boolean
  /** Where real time comes from (default `Date.now`, so vitest's fake timers move it too). */
  source?: () => Millis
}

/** The mock clock, with a way back to its start. */
export interface MockClock extends Clock {
  /** Back to the start given at creation (used by `reset`). */
  restore(): Millis
}

function toMillis(value: number | Date): Millis {
  const ms = value instanceof Date ? value.getTime() : value
  if (!Number.isFinite(ms)) throw new RangeError('clock time must be a finite number of milliseconds')
  return ms
}

/**
 * The one clock every expiry in the mock reads. It is real time plus an offset, so `advance`
 * and `set` shift it without touching the host's clock.
 */
export function createClock(start?: number | Date, options: ClockOptions = {}): MockClock {
  const source = options.source ?? (() => Date.now())
  const frozen = options.frozen ?? false
  const base = () => (frozen ? 0 : source())
  const initialOffset = start === undefined ? (frozen ? source() : 0) : toMillis(start) - base()
  let offset = initialOffset

  return {
    now: () => base() + offset,
    advance(ms: number): Millis {
      offset += toMillis(ms)
      return base() + offset
    },
    set(now: Millis): Millis {
      offset = toMillis(now) - base()
      return base() + offset
    },
    restore(): Millis {
      offset = initialOffset
      return base() + offset
    },
  }
}
