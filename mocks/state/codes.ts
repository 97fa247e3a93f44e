import { timingSafeEqual } from './constant-time'
import { randomDigits } from './random'
import type { Clock, CodeCheck, CodeStore, IssuedCode, Millis } from './types'

export interface StoredCode {
  key: string
  userId: string
  purpose: string
  code: string
  expiresAt: Millis
  attemptsLeft: number
  /** Until when a re-issued code for this key belongs to the same flow (and keeps its attempts). */
  flowExpiresAt: Millis
  data?: Record<string, unknown>
}

/** How long a flow keeps its attempts across resends, unless the issuer says otherwise (1 hour). */
export const DEFAULT_CODE_FLOW_MS = 3_600_000

/**
 * One-time codes keyed by an opaque handle. A correct guess spends the code; a wrong one costs an
 * attempt; once no attempt is left even the right code fails (`exhausted`), so guessing is bounded.
 *
 * A key is a flow (a pending login, a reset, a phone to confirm): issuing again for a key within
 * its flow's lifetime replaces the code but keeps the attempts left, so a resend never buys more
 * guesses. Finished or expired flows are swept as codes are issued, so the store stays bounded.
 */
export class MemoryCodeStore implements CodeStore {
  private readonly codes = new Map<string, StoredCode>()
  private issuedSinceSweep = 0

  constructor(private readonly clock: Clock) {}

  issue(input: { key: string; userId: string; purpose: string; ttlMs: number; maxAttempts: number; digits?: number; data?: Record<string, unknown>; flowTtlMs?: number }): IssuedCode {
    const digits = input.digits ?? 6
    if (!Number.isInteger(digits) || digits < 4 || digits > 12) throw new RangeError('digits must be an integer between 4 and 12')
    if (!(input.ttlMs > 0)) throw new RangeError('ttlMs must be positive')
    if (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer')
    const now = this.clock.now()
    if (++this.issuedSinceSweep >= 500) this.sweep(now)
    const previous = this.codes.get(input.key)
    const sameFlow = previous !== undefined && previous.userId === input.userId && now < previous.flowExpiresAt
    const stored: StoredCode = {
      key: input.key,
      userId: input.userId,
      purpose: input.purpose,
      code: randomDigits(digits),
      expiresAt: now + input.ttlMs,
      attemptsLeft: sameFlow ? Math.min(previous.attemptsLeft, input.maxAttempts) : input.maxAttempts,
      flowExpiresAt: sameFlow ? previous.flowExpiresAt : now + Math.max(input.ttlMs, input.flowTtlMs ?? DEFAULT_CODE_FLOW_MS),
      ...(input.data ? { data: input.data } : {}),
    }
    // Replacing the entry is what invalidates the previous code for this key.
    this.codes.set(input.key, stored)
    return { key: stored.key, code: stored.code, expiresAt: stored.expiresAt, attemptsLeft: stored.attemptsLeft }
  }

  check(key: string, code: string): { result: CodeCheck; attemptsLeft: number; userId?: string; data?: Record<string, unknown> } {
    const stored = this.codes.get(key)
    if (!stored) return { result: 'not_found', attemptsLeft: 0 }
    const found = { userId: stored.userId, ...(stored.data ? { data: stored.data } : {}) }
    if (this.clock.now() >= stored.expiresAt) return { result: 'expired', attemptsLeft: stored.attemptsLeft, ...found }
    if (stored.attemptsLeft <= 0) return { result: 'exhausted', attemptsLeft: 0, ...found }
    if (timingSafeEqual(String(code).trim(), stored.code)) {
      this.codes.delete(key)
      return { result: 'ok', attemptsLeft: stored.attemptsLeft, ...found }
    }
    stored.attemptsLeft -= 1
    return { result: 'mismatch', attemptsLeft: stored.attemptsLeft, ...found }
  }

  revoke(key: string): void {
    this.codes.delete(key)
  }

  peek(key: string): (IssuedCode & { userId: string; purpose: string; data?: Record<string, unknown> }) | undefined {
    const stored = this.codes.get(key)
    return stored ? { ...stored } : undefined
  }

  size(): number {
    return this.codes.size
  }

  clear(): void {
    this.codes.clear()
  }

  /** The live codes, for the browser mock's saved state (`mocks/persist.ts`). */
  dump(): StoredCode[] {
    return [...this.codes.values()].map((stored) => ({ ...stored }))
  }

  /** Replaces every code with saved ones. */
  load(codes: readonly StoredCode[]): void {
    this.codes.clear()
    for (const stored of codes) this.codes.set(stored.key, { ...stored })
  }

  private sweep(now: Millis): void {
    this.issuedSinceSweep = 0
    for (const [key, stored] of this.codes) if (now >= stored.flowExpiresAt && now >= stored.expiresAt) this.codes.delete(key)
  }
}
