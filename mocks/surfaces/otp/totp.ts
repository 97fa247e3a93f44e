import { Secret, TOTP } from 'otpauth'

export const TOTP_ISSUER = 'Portcullis'
/** RFC 6238 defaults, which every authenticator app supports. */
export const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const

/** A new random 160-bit secret, base32 (RFC 4648, no padding). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** `otpauth://totp/Portcullis:<label>?secret=...&issuer=Portcullis&...` for a QR code. */
export function totpUri(secret: string, label: string): string {
  return new TOTP({ issuer: TOTP_ISSUER, label, secret: Secret.fromBase32(secret), ...TOTP_PARAMS }).toString()
}

/**
 * Whether `token` is the code of `secret` at `now` (the mock clock), one 30-second step either way
 * being accepted for clock drift.
 */
export function isValidTotp(secret: string, token: string, now: number): boolean {
  if (!/^\d{6}$/.test(token)) return false
  try {
    return TOTP.validate({ token, secret: Secret.fromBase32(secret), ...TOTP_PARAMS, timestamp: now, window: 1 }) !== null
  } catch {
    return false
  }
}
