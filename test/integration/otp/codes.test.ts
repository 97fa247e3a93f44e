import { describe, expect, it } from 'vitest'
import {
  advanceClock,
  call,
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

async function withPendingPhone() {
  const session = await signedInUser(mock)
  const r = await call('POST', '/auth/otp/methods/sms', { token: session.idToken, json: { phone: '612345678', country: 'ES' } })
  expect(r.status).toBe(200)
  const code = (await lastMessage({ to: '+34612345678', channel: 'sms' })).code!
  return { ...session, code }
}

describe('GET /auth/otp/code', () => {
  it('EMAIL: sends a 6-digit code to the account email, valid for codeTtlSeconds', async () => {
    const { user, idToken } = await signedInUser(mock)
    const now = await mockNow()
    const r = await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ validUntil: new Date(now + mock.config().otp.codeTtlSeconds * 1000).toISOString(), channel: 'EMAIL', validated: false })
    const mail = await lastMessage({ to: user.email!, channel: 'email' })
    expect(mail.purpose).toBe('otp.code')
    expect(mail.code).toMatch(/^\d{6}$/)
    expect(mail.body).toContain(mail.code!)
  })

  it('SMS: sends the code to the registered phone', async () => {
    const { idToken } = await signedInUser(mock, { phone: '+34600123456', phoneCountry: 'ES' })
    const r = await call('GET', '/auth/otp/code?method=SMS', { token: idToken })
    expect(r.status).toBe(200)
    expect(r.body.channel).toBe('SMS')
    const sms = await lastMessage({ to: '+34600123456', channel: 'sms' })
    expect(sms.purpose).toBe('otp.code')
    expect(sms.code).toMatch(/^\d{6}$/)
  })

  it('400 "The MFA method is not allowed to be used" for SMS without a phone', async () => {
    const { idToken } = await signedInUser(mock)
    const r = await call('GET', '/auth/otp/code?method=SMS', { token: idToken })
    expectError(r, 400, 'method_not_allowed', 'The MFA method is not allowed to be used')
    expect(await outbox({ channel: 'sms' })).toHaveLength(0)
  })

  it('429 with Retry-After once the per-user request limit is used up, until the window passes', async () => {
    const { user, idToken } = await signedInUser(mock)
    // This test is about the per-user window: lift the (lower) per-address send limit out of the way.
    await fetch('http://mock.test/__mock/config', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limits: { codeSends: { perDestination: { max: 100, windowSeconds: 3600 } } } }) })
    const { codeRequestsPerWindow, codeRequestWindowSeconds } = mock.config().otp
    for (let i = 0; i < codeRequestsPerWindow; i++) {
      expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
    }
    const limited = await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    expectError(limited, 429, 'otp_attempts_exhausted', 'The user has exhausted its available attempts and must wait before requesting another')
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(codeRequestWindowSeconds)
    // Another user is not affected.
    const other = await signedInUser(mock)
    expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: other.idToken })).status).toBe(200)

    await advanceClock(retryAfter * 1000)
    // The window (15 min) is as long as the access token's life: sign in again, then it is allowed.
    const { idToken: later } = await login(user.email!)
    expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: later })).status).toBe(200)
  })

  it('a rejected request (400) does not use up the limit', async () => {
    const { idToken } = await signedInUser(mock)
    for (let i = 0; i < 10; i++) await call('GET', '/auth/otp/code?method=SMS', { token: idToken })
    expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
  })

  it('a new code replaces the previous one', async () => {
    const { user, idToken } = await signedInUser(mock)
    await call('POST', '/auth/otp/methods/totp', { token: idToken })
    await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    const first = (await lastMessage({ to: user.email! })).code!
    await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    const second = (await lastMessage({ to: user.email! })).code!
    if (first !== second) expectError(await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: first }), 401, 'otp_invalid')
    expect((await call('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: second })).status).toBe(200)
  })

  it('500 Internal error when the mail service is down (mailEnabled false)', async () => {
    const { idToken } = await signedInUser(mock)
    mock.config({ mailEnabled: false })
    expectError(await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken }), 500, 'internal_error', 'Internal error')
  })
})

describe('POST /auth/otp/code', () => {
  it('SMS: the texted code verifies the phone', async () => {
    const { user, idToken, code } = await withPendingPhone()
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: code, json: { channel: 'SMS' } })
    expect(r.status).toBe(200)
    expect(r.body.hasValidatedPhone).toBe(true)
    expect(r.body.phoneVerificationDate).toBe(new Date(await mockNow()).toISOString())
    expect(r.body.phoneNumber).toBe('+34*****678')
    expect(mock.users.get(user.id)!.phoneVerifiedAt).toBe(await mockNow())
    // Now the phone is a valid SMS method: adding another is refused.
    const again = await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '699999999', country: 'ES' } })
    expectError(again, 400, 'sms_already_configured')
  })

  it('TOTP: a code computed from the pending secret verifies it', async () => {
    const { user, idToken } = await signedInUser(mock)
    const created = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: await totpCode(created.body.secret), json: { channel: 'TOTP' } })
    expect(r.status).toBe(200)
    expect(r.body.hasValidatedSecret).toBe(true)
    expect(r.body.secretVerificationDate).toBe(new Date(await mockNow()).toISOString())
    expect(mock.users.get(user.id)!.totpVerifiedAt).not.toBeNull()
  })

  it('TOTP: uses the mock clock, not the real one', async () => {
    const { idToken } = await signedInUser(mock)
    const created = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    await advanceClock(10 * 60_000)
    const realTimeCode = (await import('otpauth')).TOTP.generate({
      secret: (await import('otpauth')).Secret.fromBase32(created.body.secret),
      timestamp: Date.now(),
    })
    const mockCode = await totpCode(created.body.secret)
    if (realTimeCode !== mockCode) {
      expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: realTimeCode, json: { channel: 'TOTP' } }), 401, 'otp_invalid')
    }
    expect((await call('POST', '/auth/otp/code', { token: idToken, otp: mockCode, json: { channel: 'TOTP' } })).status).toBe(200)
  })

  it('401 "OTP is not valid" for a wrong SMS code', async () => {
    const { idToken, code } = await withPendingPhone()
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: otherCode(code), json: { channel: 'SMS' } })
    expectError(r, 401, 'otp_invalid', 'OTP is not valid')
  })

  it('401 for a wrong TOTP code', async () => {
    const { idToken } = await signedInUser(mock)
    const created = await call('POST', '/auth/otp/methods/totp', { token: idToken })
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: otherCode(await totpCode(created.body.secret)), json: { channel: 'TOTP' } })
    expectError(r, 401, 'otp_invalid', 'OTP is not valid')
  })

  it('401 for an expired SMS code, even the right one', async () => {
    const { idToken, code } = await withPendingPhone()
    await advanceClock(mock.config().otp.codeTtlSeconds * 1000 + 1)
    expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: code, json: { channel: 'SMS' } }), 401, 'otp_invalid', 'OTP is not valid')
  })

  it('401 once the attempts are exhausted, even for the right code; a resend buys none, a new flow (1 h later) does', async () => {
    const { idToken, code, user } = await withPendingPhone()
    for (let i = 0; i < mock.config().otp.codeMaxAttempts; i++) {
      expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: otherCode(code), json: { channel: 'SMS' } }), 401, 'otp_invalid')
    }
    expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: code, json: { channel: 'SMS' } }), 401, 'otp_invalid', 'OTP is not valid')
    // Registering the (still unverified) phone again texts a code, but the flow's attempts stay spent.
    await call('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: '612345678', country: 'ES' } })
    const resent = (await lastMessage({ to: '+34612345678', channel: 'sms' })).code!
    expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: resent, json: { channel: 'SMS' } }), 401, 'otp_invalid')
    // Once the flow is over, a new code works (the access token is refreshed on the mock clock).
    mock.clock.advance(60 * 60 * 1000)
    const { idToken: again } = await login(user.email!)
    await call('POST', '/auth/otp/methods/sms', { token: again, json: { phone: '612345678', country: 'ES' } })
    const fresh = (await lastMessage({ to: '+34612345678', channel: 'sms' })).code!
    expect((await call('POST', '/auth/otp/code', { token: again, otp: fresh, json: { channel: 'SMS' } })).status).toBe(200)
  })

  it('a code delivered by GET /auth/otp/code does not verify the phone', async () => {
    const { idToken, code } = await withPendingPhone()
    await call('GET', '/auth/otp/code?method=SMS', { token: idToken })
    const delivered = (await lastMessage({ to: '+34612345678', channel: 'sms' })).code!
    if (delivered !== code) {
      expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: delivered, json: { channel: 'SMS' } }), 401, 'otp_invalid')
    }
  })

  it('400 "SMS is already configured" for a verified phone', async () => {
    const { idToken } = await signedInUser(mock, { phone: '+34600555666', phoneCountry: 'ES', phoneVerified: true })
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: '123456', json: { channel: 'SMS' } })
    expectError(r, 400, 'channel_already_verified', 'SMS is already configured')
  })

  it('400 channel_already_verified for a verified TOTP secret', async () => {
    const { idToken } = await signedInUser(mock, { totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', totpVerified: true })
    const r = await call('POST', '/auth/otp/code', { token: idToken, otp: await totpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'), json: { channel: 'TOTP' } })
    expectError(r, 400, 'channel_already_verified')
  })

  it('400 channel_not_configured for SMS without a phone and TOTP without a secret', async () => {
    const { idToken } = await signedInUser(mock)
    expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: '123456', json: { channel: 'SMS' } }), 400, 'channel_not_configured')
    expectError(await call('POST', '/auth/otp/code', { token: idToken, otp: '123456', json: { channel: 'TOTP' } }), 400, 'channel_not_configured')
  })
})

describe('failures every authenticated operation documents', () => {
  const operations: Array<[string, string, { json?: unknown; otp?: string }]> = [
    ['POST', '/auth/otp/methods/sms', { json: { phone: '612345678', country: 'ES' } }],
    ['POST', '/auth/otp/methods/totp', {}],
    ['DELETE', '/auth/otp/methods/totp', { otp: '123456' }],
    ['GET', '/auth/otp/code?method=EMAIL', {}],
    ['POST', '/auth/otp/code', { json: { channel: 'SMS' }, otp: '123456' }],
  ]

  it.each(operations)('%s %s: 401 without a token, 401 with an expired one, 403 for a blocked account', async (method, path, options) => {
    expectError(await call(method, path, options), 401, 'unauthenticated')
    const { user, idToken } = await signedInUser(mock)
    await advanceClock(mock.config().otp.accessTokenTtlSeconds * 1000 + 1)
    expectError(await call(method, path, { ...options, token: idToken }), 401, 'unauthenticated', 'Access token expired')
    const fresh = await call('POST', '/auth/login', { json: { email: user.email, password: 'correct horse battery staple' } })
    mock.users.update(user.id, { status: 'BLOCKED' })
    expectError(await call(method, path, { ...options, token: fresh.body.idToken }), 403, 'authentication_error', 'Authentication error')
  })

  it.each([
    ['POST', '/auth/login', { json: { email: 'a@example.com', password: 'x' } }],
    ['POST', '/auth/login/refresh', { json: { refreshToken: 'x' } }],
    ...operations,
  ] as Array<[string, string, { json?: unknown; otp?: string }]>)('%s %s: a 500 injected through /__mock/faults is a spec ErrorBody', async (method, path, options) => {
    const fault = await fetch('http://mock.test/__mock/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: path.split('?')[0], status: 500, body: { message: 'Internal error', code: 'internal_error' } }),
    })
    expect(fault.status).toBeLessThan(300)
    expectError(await call(method, path, options), 500, 'internal_error', 'Internal error')
  })
})
