import { describe, expect, it } from 'vitest'
import { BASE, control, createUser, expectError, expectOk, identifiedByPassword, interaction, latestCode, PASSWORD, useExperienceMock, verifiedEmail } from './helpers'

const mock = useExperienceMock()

const users = async () => (await (await fetch(`${BASE}/__mock/users`)).json()).users as Array<Record<string, any>>


describe('registration', () => {
  it('by email code: missing password → profile → account (201) → sign-in tokens', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const s = await interaction('Register')
    const id = await verifiedEmail(s, 'newcomer@example.com', 'Register')
    const missing = await s.call('POST', '/api/experience/identification', { verificationId: id })
    expectError(missing, 422, 'user.missing_profile')
    expect(missing.body.data).toEqual({ missingProfile: ['password'] })
    expect((await users()).some((u) => u.email === 'newcomer@example.com')).toBe(false)
    const short = await s.call('POST', '/api/experience/profile', { type: 'password', value: 'short' })
    expectError(short, 422, 'password.rejected')
    expect(short.body.data).toEqual([{ code: 'password_rejected.too_short', interpolation: { min: 8 } }])
    expectOk(await s.call('POST', '/api/experience/profile', { type: 'password', value: PASSWORD }), 204)
    expectOk(await s.call('POST', '/api/experience/identification', {}), 201)
    const created = (await users()).find((u) => u.email === 'newcomer@example.com')!
    expect(created).toMatchObject({ verified: true, hasPassword: true })
    const tokens = await s.exchange(await s.resume((await s.call('POST', '/api/experience/submit')).body.redirectTo))
    expectOk(tokens)
  })

  it('username + password via new-password-identity; then the email the settings ask for', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const taken = await createUser(mock)
    const s = await interaction('Register')
    expectError(await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: taken.username }, password: PASSWORD }), 422, 'user.username_already_in_use')
    expectError(await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'email', value: 'a@b.c' }, password: PASSWORD }), 400, 'guard.invalid_input')
    expectError(await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: '9starts_with_digit' }, password: PASSWORD }), 400, 'guard.invalid_input')
    const tooShort = await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: 'fresh_name' }, password: 'abc' })
    expectError(tooShort, 422, 'password.rejected')
    const record = await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: 'fresh_name' }, password: PASSWORD })
    expectOk(record)
    const missing = await s.call('POST', '/api/experience/identification', { verificationId: record.body.verificationId })
    expect(missing.body.data).toEqual({ missingProfile: ['email'] })
    const email = await verifiedEmail(s, 'fresh@example.com', 'Register')
    expectError(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: 'z'.repeat(21) }), 404, 'session.verification_session_not_found')
    expectOk(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: email }), 204)
    expectOk(await s.call('POST', '/api/experience/identification', {}), 201)
    expect((await users()).find((u) => u.username === 'fresh_name')).toMatchObject({ email: 'fresh@example.com' })
  })

  it("an identifier in use is user.email_already_in_use; the same record then signs in after switching to SignIn", async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const existing = await createUser(mock)
    const s = await interaction('Register')
    const id = await verifiedEmail(s, existing.email!, 'Register')
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: id }), 422, 'user.email_already_in_use')
    expectOk(await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' }), 204)
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: id }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
  })

  it('follows experience.signUp: username required, email-or-phone, no password', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, signUp: { identifiers: ['username', 'email', 'phone'], password: false, verify: true } } })
    const s = await interaction('Register')
    const phoneSent = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'phone', value: '+34611222333' }, interactionEvent: 'Register' })
    expectOk(await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'phone', value: '+34611222333' }, verificationId: phoneSent.body.verificationId, code: await latestCode('+34611222333') }))
    const missing = await s.call('POST', '/api/experience/identification', { verificationId: phoneSent.body.verificationId })
    expect(missing.body.data).toEqual({ missingProfile: ['username'] })
    await control.setConfig({ experience: { signUp: { identifiers: ['email', 'phone'] } } })
    const r = await interaction('Register')
    expectError(await r.call('POST', '/api/experience/identification', {}), 422, 'user.missing_profile')
    expect((await r.call('POST', '/api/experience/identification', {})).body.data).toEqual({ missingProfile: ['emailOrPhone'] })
  })

  it('decides missing profile at submit for sign-in too, and the profile route fills it in', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, signUp: { identifiers: ['email', 'username'], password: true, verify: true } } })
    const user = await createUser(mock, { username: null })
    const s = await identifiedByPassword(user)
    const missing = await s.call('POST', '/api/experience/submit')
    expectError(missing, 422, 'user.missing_profile')
    expect(missing.body.data).toEqual({ missingProfile: ['username'] })
    expectError(await s.call('POST', '/api/experience/profile', { type: 'password', value: 'another password' }), 422, 'user.password_exists_in_profile')
    expectError(await s.call('POST', '/api/experience/profile', { type: 'username', value: 'carol' }), 422, 'user.username_already_in_use')
    expectOk(await s.call('POST', '/api/experience/profile', { type: 'username', value: 'late_name' }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    expect((await users()).find((u) => u.id === user.id)!.username).toBe('late_name')
    const again = await identifiedByPassword(user)
    expectError(await again.call('POST', '/api/experience/profile', { type: 'username', value: 'other_name' }), 422, 'user.username_exists_in_profile')
  })

  it('the sign-in mode can forbid registering (403 auth.forbidden) and SignIn profile needs a user', async () => {
    await control.setConfig({ experience: { signInMode: 'SignIn' } })
    const s = await interaction('SignIn')
    expectError(await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' }), 403, 'auth.forbidden')
    expectError(await s.call('POST', '/api/experience/profile', { type: 'username', value: 'abc' }), 404, 'session.identifier_not_found')
    const r = await interaction('Register')
    expectError(await r.call('POST', '/api/experience/identification', {}), 403, 'auth.forbidden')
  })
})
