import { Secret, TOTP } from 'otpauth'
import type { BackendState } from '../../state/types'
import { TOTP_PARAMS } from '../otp/totp'

/**
 * The 30-second step a code belongs to (±1 step of drift, on the mock clock), or null when it
 * matches none. A step is accepted once per user, so a code seen over someone's shoulder (or
 * replayed from a log) cannot be used again within its window (RFC 6238 §5.2).
 */
export function acceptTotp(state: BackendState, userId: string, secret: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false
  const now = state.clock.now()
  let delta: number | null
  try {
    delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), ...TOTP_PARAMS, timestamp: now, window: 1 })
  } catch {
    return false
  }
  if (delta === null) return false
  const step = Math.floor(now / (TOTP_PARAMS.period * 1000)) + delta
  const used = state.scratch('experience:totp-steps', () => new Map<string, number>())
  if ((used.get(`${userId}:${secret}`) ?? -Infinity) >= step) return false
  used.set(`${userId}:${secret}`, step)
  return true
}
