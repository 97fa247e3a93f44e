import { describe, expect, it } from 'vitest'
import {
  call,
  createUser,
  expectError,
  lastMessage,
  login,
  mockNow,
  otherCode,
  outbox,
  signedInUser,
  totpCode,
  useOtpMock,
} from './helpers'

const mock = useOtpMock()

describe('POST /auth/otp/methods/sms', () => {
  it('stores the phone unverified in E.164 and texts a verification code', async () => {
    const { user, idToken } = await signedInUser(mock)
    const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612 345 678', country: 'ES' } })
    expect(r.status).toBe(200)
    expect(r.body.phoneNumber).toBe('+34*****678')
    expect(r.body.hasValidatedPhone).toBe(false)
    expect(r.body.phoneVerificationDate).toBeUndefined()
    expect(r.body.email).toMatch(/^u\*\*\*\d@example\.com$/)

    const stored = mock.users.get(user.id)!
    expect(stored.phone).toBe('+34612345678')
    expect(stored.phoneCountry).toBe('ES')
    expect(stored.phoneVerifiedAt).toBeNull()

    const sms = await lastMessage({ to: '+34612345678', channel: 'sms' })
    expect(sms.purpose).toBe('otp.sms_verification')
    expect(sms.code).toMatch(/^\d{6}$/)
    expect(sms.body).toContain(sms.code!)
  })

  it.each([
    ['+44 7700 900123', 'GB', '+447700900123', '+44*****123'],
    ['07700 900123', 'GB', '+447700900123', '+44*****123'],
    ['0034 612-345-678', 'FR', '+34612345678', '+34*****678'],
    ['(415) 555-0134', 'US', '+14155550134', '+1*****134'],
    ['06 12 34 56 78', 'IT', '+390612345678', '+39*****678'],
  ])('normalises %s (%s) to %s', async (phone, country, e164, masked) => {
    const { user, idToken } = await signedInUser(mock)
    const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone, country } })
    expect(r.status).toBe(200)
    expect(r.body.phoneNumber).toBe(masked)
    expect(mock.users.get(user.id)!.phone).toBe(e164)
  })

  it('replaces an unverified phone; the old code stops working', async () => {
    const { idToken } = await signedInUser(mock)
    await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612345678', country: 'ES' } })
    const oldCode = (await lastMessage({ to: '+34612345678' })).code!
    const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '699999999', country: 'ES' } })
    expect(r.status).toBe(200)
    expect(r.body.phoneNumber).toBe('+34*****999')
    const newCode = (await lastMessage({ to: '+34699999999' })).code!
    if (oldCode !== newCode) {
      expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: oldCode, json: { channel: 'SMS' } }), 401, 'otp_invalid')
    }
    expect((await call('POST', '/auth/otp/code', { token: idToken, otp: newCode, json: { channel: 'SMS' } })).status).toBe(200)
  })

  it('400 "The user already has a valid SMS phone added." when a verified phone exists', async () => {
    const { idToken } = await signedInUser(mock, { phone: '+34600111222', phoneCountry: 'ES', phoneVerified: true })
    const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612345678', country: 'ES' } })
    expectError(r, 400, 'sms_already_configured', 'The user already has a valid SMS phone added.')
    expect(await outbox({ channel: 'sms', to: '+34612345678' })).toHaveLength(0)
  })

  it('400 validation_error for a number that cannot be a phone', async () => {
    const { idToken } = await signedInUser(mock)
    for (const phone of ['abc', '12', '+1234567890123456', '0000000']) {
      const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone, country: 'ES' } })
      expectError(r, 400, 'validation_error')
      expect(r.body.details[0].path).toBe('body.phone')
    }
  })

  it("400 validation_error for another account's phone", async () => {
    await createUser(mock, { phone: '+34612000111', phoneCountry: 'ES' })
    const { idToken } = await signedInUser(mock)
    const r = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612000111', country: 'ES' } })
    expectError(r, 400, 'validation_error')
    expect(r.body.details[0].path).toBe('body.phone')
  })
})

describe('POST /auth/otp/methods/totp', () => {
  it('creates an unverified secret and returns it with an otpauth URI', async () => {
    const { user, idToken } = await signedInUser(mock)
    const r = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    expect(r.status).toBe(200)
    expect(r.body.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(r.body.hasValidatedSecret).toBe(false)
    const uri = new URL(r.body.uri)
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('secret')).toBe(r.body.secret)
    expect(uri.searchParams.get('issuer')).toBe('Portcullis')
    const stored = mock.users.get(user.id)!
    expect(stored.totpSecret).toBe(r.body.secret)
    expect(stored.totpVerifiedAt).toBeNull()
  })

  it('accepts an empty JSON object or any JSON object as body (ignored)', async () => {
    const { idToken } = await signedInUser(mock)
    expect((await call('POST', '/auth/otp/methods/totp', { token: idToken, json: {} })).status).toBe(200)
    expect((await call('POST', '/auth/otp/methods/totp', { token: idToken, json: { note: 'ignored' } })).status).toBe(200)
  })

  it('replaces an unverified secret: only the newest can be confirmed', async () => {
    const { idToken } = await signedInUser(mock)
    const first = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    const second = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    expect(second.status).toBe(200)
    expect(second.body.secret).not.toBe(first.body.secret)
    const stale = await call('POST', '/auth/otp/code', { token: idToken, otp: await totpCode(first.body.secret), json: { channel: 'TOTP' } })
    expectError(stale, 401, 'otp_invalid', 'OTP is not valid')
    const fresh = await call('POST', '/auth/otp/code', { token: idToken, otp: await totpCode(second.body.secret), json: { channel: 'TOTP' } })
    expect(fresh.status).toBe(200)
    expect(fresh.body.hasValidatedSecret).toBe(true)
  })

  it('400 "The TOTP secret is already configured" once a secret is verified', async () => {
    const { idToken } = await signedInUser(mock, { totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', totpVerified: true })
    const r = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    expectError(r, 400, 'totp_already_configured', 'The TOTP secret is already configured')
  })
})

describe('DELETE /auth/otp/methods/totp', () => {
  const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

  it('removes a verified secret given its current TOTP code', async () => {
    const { user, idToken } = await signedInUser(mock, { totpSecret: SECRET, totpVerified: true })
    const r = await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode(SECRET) })
    expect(r.status).toBe(200)
    expect(r.body.hasValidatedSecret).toBe(false)
    expect(r.body.secretVerificationDate).toBeUndefined()
    expect(mock.users.get(user.id)!.totpSecret).toBeNull()
  })

  it('accepts the code of the previous 30 s step (window 1) but not an older one', async () => {
    const { idToken } = await signedInUser(mock, { totpSecret: SECRET, totpVerified: true })
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode(SECRET, -3) }), 401, 'otp_invalid', 'OTP is not valid')
    expect((await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode(SECRET, -1) })).status).toBe(200)
  })

  it('401 "OTP is not valid" for a wrong code, and the secret stays', async () => {
    const { user, idToken } = await signedInUser(mock, { totpSecret: SECRET, totpVerified: true })
    const r = await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: otherCode(await totpCode(SECRET)) })
    expectError(r, 401, 'otp_invalid', 'OTP is not valid')
    expect(mock.users.get(user.id)!.totpSecret).toBe(SECRET)
  })

  it('401 for a code that is not six digits', async () => {
    const { idToken } = await signedInUser(mock, { totpSecret: SECRET, totpVerified: true })
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: 'abcdef' }), 401, 'otp_invalid')
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: '' }), 401, 'otp_invalid')
  })

  it('400 "User doesn\'t have a secret configured" without a secret', async () => {
    const { idToken } = await signedInUser(mock)
    const r = await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: '123456' })
    expectError(r, 400, 'totp_not_configured', "User doesn't have a secret configured")
  })

  it('an unverified secret is removed with the last code sent by GET /auth/otp/code', async () => {
    const { user, idToken } = await signedInUser(mock)
    const created = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    // A code of the pending secret does not count: it was never proven.
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode(created.body.secret) }), 401, 'otp_invalid')

    expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
    const code = (await lastMessage({ to: user.email!, channel: 'email' })).code!
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: otherCode(code) }), 401, 'otp_invalid')
    const r = await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: code })
    expect(r.status).toBe(200)
    expect(mock.users.get(user.id)!.totpSecret).toBeNull()
    // The delivered code is single-use.
    await call('POST', '/auth/otp/methods/totp', { token: idToken })
    expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: code }), 401, 'otp_invalid')
  })

  it('full cycle: create → confirm with TOTP → delete with TOTP → create again', async () => {
    const { user, idToken } = await signedInUser(mock)
    const created = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    const confirmed = await call('POST', '/auth/otp/code', { token: idToken, otp: await totpCode(created.body.secret), json: { channel: 'TOTP' } })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.secretVerificationDate).toBe(new Date(await mockNow()).toISOString())
    expect(mock.users.get(user.id)!.totpVerifiedAt).toBe(await mockNow())
    expect((await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode(created.body.secret) })).status).toBe(200)
    expect((await call('POST', '/auth/otp/methods/totp', { token: idToken })).status).toBe(200)
  })

  it("demo user carol's authenticator code removes her secret", async () => {
    const { idToken } = await login('carol@example.com', 'portcullis-demo')
    const r = await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: await totpCode('PORTCULLISDEMOTOTPSECRETKEY23456') })
    expect(r.status).toBe(200)
  })
})
