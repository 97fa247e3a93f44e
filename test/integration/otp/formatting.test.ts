import { describe, expect, it } from 'vitest'
import type { User } from '../../../mocks/state/types'
import { CALLING_CODES, maskEmail, maskPhone, toE164, toUserSecurity } from '../../../mocks/surfaces/otp'
import { otpSpec } from '../../../mocks/generated/schemas'
import { assertMatchesSpec, BASE } from './helpers'

describe('phone numbers', () => {
  it('knows a calling code for each of the 245 Country values', () => {
    const countries = (otpSpec as any).components.schemas.Country.enum as string[]
    expect(countries).toHaveLength(245)
    for (const country of countries) expect(CALLING_CODES[country], country).toMatch(/^\d{1,3}$/)
    expect(Object.keys(CALLING_CODES).sort()).toEqual([...countries].sort())
  })

  it.each([
    ['612345678', 'ES', '+34612345678'],
    ['+34 612 34 56 78', 'FR', '+34612345678'],
    ['0034612345678', 'ES', '+34612345678'],
    ['030 1234567', 'DE', '+49301234567'],
    ['1 (415) 555-0134', 'US', '+14155550134'],
    ['06 1234 5678', 'IT', '+390612345678'],
    ['044 123 4567', 'XK', '+383441234567'],
  ])('%s in %s → %s', (phone, country, e164) => {
    expect(toE164(phone, country)).toBe(e164)
  })

  it.each([['abc'], ['12'], ['+0123456789'], ['+1234567890123456'], ['61234567a'], ['++34612345678']])('rejects %s', (phone) => {
    expect(toE164(phone, 'ES')).toBeNull()
  })

  it('masks all but the calling code and the last three digits', () => {
    expect(maskPhone('+34612345678', 'ES')).toBe('+34*****678')
    expect(maskPhone('+14155550134', 'CA')).toBe('+1*****134')
    expect(maskPhone('+447700900123')).toBe('+44*****123')
    expect(maskPhone('+35312345678')).toBe('+353*****678')
  })
})

describe('email masking', () => {
  it.each([
    ['alice@example.com', 'a***e@example.com'],
    ['Ab@Example.COM', 'A***@example.com'],
    ['x@example.com', 'x***@example.com'],
    ['"weird"@example.com', '*****@example.com'],
    [null, 'unknown@example.invalid'],
  ])('%s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked)
  })
})

describe('UserSecurity', () => {
  const base: User = {
    id: 'u', pk: 1, username: null, email: 'ada@example.com', secondaryEmail: null, phone: null, phoneCountry: null,
    firstName: '', lastName: '', profile: {}, passwordHash: null, passwordChangedAt: Date.UTC(2024, 0, 1),
    verified: true, emailVerifiedAt: Date.UTC(2024, 0, 2), archived: false, isActive: true, isStaff: false, suspended: false,
    status: 'ACTIVE', twoFactor: false, totpSecret: null, totpVerifiedAt: null, phoneVerifiedAt: null, backupCodes: [],
    webAuthn: [], mfaSkipped: false, createdAt: Date.UTC(2023, 11, 31), lastLoginAt: null, lastLoginDevice: null, identities: {},
  }

  it('summarises a fresh user (dates from the stored times, login date falls back to creation)', () => {
    expect(toUserSecurity(base)).toEqual({
      email: 'a***a@example.com',
      hasValidatedEmail: true,
      emailVerificationDate: '2024-01-02T00:00:00.000Z',
      hasValidatedSecret: false,
      hasValidatedPhone: false,
      lastLoggedDate: '2023-12-31T00:00:00.000Z',
      status: 'ACTIVE',
      lastLoggedDevice: '',
      lastPasswordChangeDate: '2024-01-01T00:00:00.000Z',
    })
  })

  it('shows verified methods with their dates, a pending secret as not validated, and derived statuses', () => {
    const s = toUserSecurity({ ...base, phone: '+34612345678', phoneCountry: 'ES', phoneVerifiedAt: Date.UTC(2024, 1, 1), totpSecret: 'ABC', suspended: true })
    expect(s).toMatchObject({ phoneNumber: '+34*****678', hasValidatedPhone: true, phoneVerificationDate: '2024-02-01T00:00:00.000Z', hasValidatedSecret: false, status: 'BLOCKED' })
    expect(s.secretVerificationDate).toBeUndefined()
    expect(toUserSecurity({ ...base, isActive: false }).status).toBe('DISABLED')
    expect(toUserSecurity({ ...base, status: 'DISABLED', suspended: true }).status).toBe('DISABLED')
  })
})

describe('the drift check used by every integration test', () => {
  const res = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('passes a conforming response and fails a drifting one', async () => {
    await expect(assertMatchesSpec('POST', `${BASE}/auth/login`, res(200, { idToken: 'a', refreshToken: 'b' }))).resolves.toMatchObject({ status: 200 })
    await expect(assertMatchesSpec('POST', `${BASE}/auth/login`, res(200, { idToken: 'a' }))).rejects.toThrow(/spec drift/)
    await expect(assertMatchesSpec('POST', `${BASE}/auth/login`, res(401, { message: 'x' }))).rejects.toThrow(/not a documented response/)
    await expect(assertMatchesSpec('POST', `${BASE}/auth/login`, res(403, { message: 'Nope', code: 'authentication_error' }))).rejects.toThrow(/spec drift/)
    await expect(assertMatchesSpec('GET', `${BASE}/auth/otp/code`, res(429, { message: 'x', code: 'otp_invalid' }))).rejects.toThrow(/spec drift/)
    await expect(assertMatchesSpec('GET', `${BASE}/auth/nowhere`, res(404, { error: 'x' }))).rejects.toThrow(/spec drift/)
  })
})
