import { describe, expect, it } from 'vitest'
import { BASE, control, createUser, expectError, expectOk, interaction, latestCode, PASSWORD, useExperienceMock } from './helpers'

const mock = useExperienceMock()

const send = (s: Awaited<ReturnType<typeof interaction>>, type: 'email' | 'phone', value: string, interactionEvent = 'SignIn') =>
  s.call('POST', '/api/experience/verification/verification-code', { identifier: { type, value }, interactionEvent })
const verify = (s: Awaited<ReturnType<typeof interaction>>, type: 'email' | 'phone', value: string, verificationId: string, code: string) =>
  s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type, value }, verificationId, code })

describe('verification codes', () => {
  it('sends six digits to the outbox for the identifier, and a passwordless sign-in completes with it', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const sent = await send(s, 'email', user.email!)
    expectOk(sent)
    expect(sent.body.verificationId).toMatch(/^[0-9a-z]{21}$/)
    const message = await control.lastMessage({ to: user.email! })
    expect(message).toMatchObject({ channel: 'email', to: user.email, purpose: 'experience.sign_in' })
    expect(message.code).toMatch(/^\d{6}$/)
    expectOk(await verify(s, 'email', user.email!, sent.body.verificationId, message.code!))
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
  })

  it('texts phone codes (channel sms) and tells a mismatched identifier apart', async () => {
    const user = await createUser(mock, { phone: '+34600111222' })
    const s = await interaction('SignIn')
    const sent = await send(s, 'phone', user.phone!)
    const message = await control.lastMessage({ to: user.phone! })
    expect(message.channel).toBe('sms')
    expectError(await verify(s, 'phone', '+34600999999', sent.body.verificationId, message.code!), 400, 'verification_code.phone_mismatch')
    const email = await send(s, 'email', user.email!)
    expectError(await verify(s, 'email', 'other@example.com', email.body.verificationId, '123456'), 400, 'verification_code.email_mismatch')
    expectOk(await verify(s, 'phone', user.phone!, sent.body.verificationId, message.code!))
  })

  it('wrong codes cost attempts: after 10 even the right one is exceed_max_try', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const sent = await send(s, 'email', user.email!)
    const code = await latestCode(user.email!)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    for (let i = 0; i < 10; i++) expectError(await verify(s, 'email', user.email!, sent.body.verificationId, wrong), 400, 'verification_code.code_mismatch')
    expectError(await verify(s, 'email', user.email!, sent.body.verificationId, code), 400, 'verification_code.exceed_max_try')
  })

  it('a re-send buys no guesses: wrong codes count against the identifier across records', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    let guesses = 0
    for (let round = 0; round < 3; round++) {
      const sent = await send(s, 'email', user.email!)
      const code = await latestCode(user.email!)
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
      for (let i = 0; i < 10; i++) {
        const r = await verify(s, 'email', user.email!, sent.body.verificationId, wrong)
        if (r.body.code === 'verification_code.exceed_max_try') break
        guesses += 1
      }
      if (round === 2) expectError(await verify(s, 'email', user.email!, sent.body.verificationId, code), 400, 'verification_code.exceed_max_try')
    }
    expect(guesses).toBeLessThanOrEqual(20)
  })

  it('throttles sends to one address: the sixth in an hour is blocked', async () => {
    const s = await interaction('SignIn')
    for (let i = 0; i < 5; i++) expectOk(await send(s, 'email', 'flood@example.com'))
    const blocked = await send(s, 'email', 'flood@example.com')
    expectError(blocked, 400, 'session.verification_blocked_too_many_attempts')
    expect(await control.outbox({ to: 'flood@example.com' })).toHaveLength(5)
    await control.advanceClock(3600_000)
    // The interaction itself has expired by now (one hour), so the page starts again.
    expectError(await send(s, 'email', 'flood@example.com'), 400, 'session.not_found')
    expectOk(await send(await interaction('SignIn'), 'email', 'flood@example.com'))
  })

  it('expires after 10 minutes on the mock clock', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const sent = await send(s, 'email', user.email!)
    const code = await latestCode(user.email!)
    await control.advanceClock(10 * 60_000)
    expectError(await verify(s, 'email', user.email!, sent.body.verificationId, code), 400, 'verification_code.expired')
  })

  it('a new send replaces the record: the old id is 404 and its code is dead; resending buys no extra record', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const first = await send(s, 'email', user.email!)
    const firstCode = await latestCode(user.email!)
    const second = await send(s, 'email', user.email!)
    expect(second.body.verificationId).not.toBe(first.body.verificationId)
    expectError(await verify(s, 'email', user.email!, first.body.verificationId, firstCode), 404, 'session.verification_session_not_found')
    const secondCode = await latestCode(user.email!)
    if (secondCode !== firstCode) expectError(await verify(s, 'email', user.email!, second.body.verificationId, firstCode), 400, 'verification_code.code_mismatch')
    expectOk(await verify(s, 'email', user.email!, second.body.verificationId, secondCode))
  })

  it('answers 501 connector.not_found when the email or SMS connector is off', async () => {
    await control.setConfig({ experience: { connectors: { email: false, sms: false } } })
    const s = await interaction('SignIn')
    const r = await send(s, 'email', 'someone@example.com')
    expectError(r, 501, 'connector.not_found')
    expect(r.body.message).toBe('Cannot find any available connector for type: Email.')
    expectError(await send(s, 'phone', '+34600000000'), 501, 'connector.not_found')
    expectError(await verify(s, 'email', 'someone@example.com', 'c'.repeat(21), '123456'), 501, 'connector.not_found')
  })

  it('an unknown account is user.user_not_exist at identification (data names the identifier)', async () => {
    const s = await interaction('SignIn')
    const sent = await send(s, 'email', 'ghost@example.com')
    expectOk(await verify(s, 'email', 'ghost@example.com', sent.body.verificationId, await latestCode('ghost@example.com')))
    const r = await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })
    expectError(r, 404, 'user.user_not_exist')
    expect(r.body.data).toEqual({ identifier: 'ghost@example.com' })
    expect(r.body.message).toBe('User with ghost@example.com does not exist.')
  })
})

describe('forgot password', () => {
  it('code → identification → new password → submit (200, no body); the old password and every session stop working', async () => {
    const user = await createUser(mock)
    const otpLogin = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: PASSWORD }) })
    const { refreshToken } = await otpLogin.json()
    const s = await interaction('ForgotPassword')
    const sent = await send(s, 'email', user.email!, 'ForgotPassword')
    expect((await control.lastMessage({ to: user.email! })).purpose).toBe('experience.forgot_password')
    expectOk(await verify(s, 'email', user.email!, sent.body.verificationId, await latestCode(user.email!)))
    expectError(await s.call('PUT', '/api/experience/profile/password', { password: 'x' }), 404, 'session.identifier_not_found')
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId }), 204)
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'user.new_password_required_in_profile')
    expectError(await s.call('PUT', '/api/experience/profile/password', { password: PASSWORD }), 422, 'user.same_password')
    const short = await s.call('PUT', '/api/experience/profile/password', { password: 'short' })
    expectError(short, 422, 'password.rejected')
    expect(short.body.data).toEqual([{ code: 'password_rejected.too_short', interpolation: { min: 8 } }])
    expectError(await s.call('POST', '/api/experience/profile', { type: 'username', value: 'abc' }), 400, 'session.not_supported_for_forgot_password')
    expectOk(await s.call('PUT', '/api/experience/profile/password', { password: 'a brand new passphrase' }), 204)
    const submitted = await s.call('POST', '/api/experience/submit')
    expect(submitted.status).toBe(200)
    expect(submitted.body).toBeUndefined()
    // The result is cleared: the interaction must be started again.
    expectError(await s.call('POST', '/api/experience/submit'), 404, 'session.interaction_not_found')

    const signIn = await interaction('SignIn')
    expectError(await signIn.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: PASSWORD }), 422, 'session.invalid_credentials')
    expectOk(await signIn.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: 'a brand new passphrase' }))
    // The otp session opened with the old password is gone too.
    const refresh = await fetch(`${BASE}/auth/login/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) })
    expect(refresh.status).toBe(403)
  })

  it('accepts only code records and refuses the new password outside ForgotPassword', async () => {
    const user = await createUser(mock)
    const s = await interaction('ForgotPassword')
    const password = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: PASSWORD })
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId }), 422, 'session.not_supported_for_forgot_password')
    expectError(await s.call('POST', '/api/experience/identification', {}), 400, 'guard.invalid_input')
    const signIn = await interaction('SignIn')
    expectError(await signIn.call('PUT', '/api/experience/profile/password', { password: 'whatever-long' }), 400, 'session.invalid_interaction_type')
  })
})
