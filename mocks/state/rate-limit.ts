import type { Clock } from './types'

/** Keys kept at most; past it the least recently created go first (an attacker inventing keys cannot grow memory). */
export const MAX_RATE_LIMIT_KEYS = 100_000

/**
 * Sliding-window counters on the mock clock. Only allowed hits are counted, so a client that keeps
 * retrying while limited does not push its own window further out. A key holds at most `limit`
 * timestamps, and keys whose window has passed are swept, so memory stays bounded.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { times: number[]; windowMs: number }>()
  private sinceSweep = 0

  constructor(private readonly clock: Clock) {}

  /** Whether one more hit fits, without counting it. */
  peek(key: string, limit: number, windowMs: number): { allowed: boolean; retryAfterMs: number } {
    const now = this.clock.now()
    const recent = this.recent(key, windowMs, now)
    if (recent.length < limit) return { allowed: true, retryAfterMs: 0 }
    // The hit that frees a slot is the `limit`-th newest.
    const freeing = recent[recent.length - limit] ?? now
    return { allowed: false, retryAfterMs: Math.max(1, freeing + windowMs - now) }
  }

  hit(key: string, limit: number, windowMs: number): { allowed: boolean; retryAfterMs: number } {
    const verdict = this.peek(key, limit, windowMs)
    if (!verdict.allowed) return verdict
    const now = this.clock.now()
    const times = this.recent(key, windowMs, now)
    times.push(now)
    this.hits.delete(key)
    this.hits.set(key, { times, windowMs })
    if (++this.sinceSweep >= 1000 || this.hits.size > MAX_RATE_LIMIT_KEYS) this.sweep()
    return verdict
  }

  /** Hits of `key` inside the window. */
  count(key: string, windowMs: number): number {
    return this.recent(key, windowMs, this.clock.now()).length
  }

  /** Takes back the newest hit of `key` (an attempt that turned out fine: only failures count). */
  release(key: string): void {
    this.hits.get(key)?.times.pop()
  }

  clearKey(key: string): void {
    this.hits.delete(key)
  }

  size(): number {
    return this.hits.size
  }

  clear(): void {
    this.hits.clear()
  }

  /** The counters, for the browser mock's saved state. */
  dump(): Array<[string, { times: number[]; windowMs: number }]> {
    return [...this.hits].map(([key, { times, windowMs }]) => [key, { times: [...times], windowMs }])
  }

  /** Replaces every counter with saved ones. */
  load(hits: ReadonlyArray<readonly [string, { times: readonly number[]; windowMs: number }]>): void {
    this.hits.clear()
    for (const [key, { times, windowMs }] of hits) this.hits.set(key, { times: [...times], windowMs })
  }

  /**
   * The key's hits inside the window, oldest first. Hits are appended in clock order, so the
   * window's start is found by binary search and older hits are dropped in place: O(log n) per
   * call even for a limit raised into the millions (a load test). Only after the clock was set
   * back (hits "in the future") is the list filtered into a new one.
   */
  private recent(key: string, windowMs: number, now: number): number[] {
    const times = this.hits.get(key)?.times
    if (!times) return []
    if (times.length > 0 && times[times.length - 1]! > now) return times.filter((at) => at > now - windowMs && at <= now)
    let low = 0
    let high = times.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (times[middle]! > now - windowMs) high = middle
      else low = middle + 1
    }
    if (low > 0) times.splice(0, low)
    return times
  }

  /** Drops keys with no hit left in their window, then the oldest keys over the cap. */
  private sweep(): void {
    this.sinceSweep = 0
    const now = this.clock.now()
    for (const [key, { times, windowMs }] of this.hits) {
      const newest = times[times.length - 1]
      if (newest === undefined || newest <= now - windowMs) this.hits.delete(key)
    }
    for (const key of this.hits.keys()) {
      if (this.hits.size <= MAX_RATE_LIMIT_KEYS) break
      this.hits.delete(key)
    }
  }
}
