/**
 * The otp surface's TOTP (otpauth underneath) against RFC 6238's published vectors, through the
 * independent reference implementation the e2e and otp suites compute codes with.
 */
import { describe, expect, it } from 'vitest'
import { isValidTotp, newTotpSecret, totpUri } from '../../../mocks/surfaces/otp/totp'
import { base32Decode, totp } from '../../support/totp'

/** RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" (base32 below), 8 digits. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
]

describe('reference TOTP (test/support/totp.ts)', () => {
  it('decodes base32', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890')
  })

  it.each(RFC_VECTORS)('matches RFC 6238 at T=%i', (seconds, code) => {
    expect(totp(RFC_SECRET, seconds * 1000, { digits: 8 })).toBe(code)
    expect(totp(RFC_SECRET, seconds * 1000)).toBe(code.slice(2))
  })
})

describe('the mock TOTP agrees with the reference', () => {
  it.each(RFC_VECTORS)('accepts the reference code at T=%i, one step either side, and nothing further', (seconds) => {
    const now = seconds * 1000
    expect(isValidTotp(RFC_SECRET, totp(RFC_SECRET, now), now)).toBe(true)
    expect(isValidTotp(RFC_SECRET, totp(RFC_SECRET, now - 30_000), now)).toBe(true)
    expect(isValidTotp(RFC_SECRET, totp(RFC_SECRET, now + 30_000), now)).toBe(true)
    const far = totp(RFC_SECRET, now + 90_000)
    if (![-1, 0, 1].some((step) => totp(RFC_SECRET, now + step * 30_000) === far)) expect(isValidTotp(RFC_SECRET, far, now)).toBe(false)
  })

  it('new secrets are random 160-bit base32 and their otpauth URI carries them', () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(base32Decode(secret)).toHaveLength(20)
    expect(newTotpSecret()).not.toBe(secret)
    const uri = new URL(totpUri(secret, 'a***e@example.com'))
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('secret')).toBe(secret)
    expect(isValidTotp(secret, totp(secret, 1_700_000_000_000), 1_700_000_000_000)).toBe(true)
  })
})
