import type { Clock } from './types'

/**
 * Sliding-window counters on the mock clock. Only allowed hits are counted, so a client that keeps
 * retrying while limited does not push its own window further out.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(private readonly clock: Clock) {}

  hit(key: string, limit: number, windowMs: number): { allowed: boolean; retryAfterMs: number } {
    const now = this.clock.now()
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - windowMs && at <= now)
    if (recent.length >= limit) {
      this.hits.set(key, recent)
      const oldest = recent[0] ?? now
      return { allowed: false, retryAfterMs: Math.max(0, oldest + windowMs - now) }
    }
    recent.push(now)
    this.hits.set(key, recent)
    return { allowed: true, retryAfterMs: 0 }
  }

  clear(): void {
    this.hits.clear()
  }
}
