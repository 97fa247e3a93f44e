import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { CLIENT_ID } from '../../support/experience-client'
import { BASE, control, createUser, expectError, expectOk, identifiedByPassword, interaction, PASSWORD, useExperienceMock } from './helpers'

const mock = useExperienceMock()

describe('experience: password sign-in and the OIDC finish', () => {
  it('signs in with a password, resumes with the cookies and exchanges the code for tokens', async () => {
    const user = await createUser(mock, { totpSecret: null })
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const s = await identifiedByPassword(user)
    const submitted = await s.call('POST', '/api/experience/submit')
    expectOk(submitted)
    expect(submitted.body.redirectTo).toMatch(new RegExp(`^${BASE}/oidc/auth/[0-9a-z]{21}$`))
    const callback = await s.resume(submitted.body.redirectTo)
    expect(callback.searchParams.get('iss')).toBe(`${BASE}/oidc`)
    const tokens = await s.exchange(callback)
    expectOk(tokens)
    expect(tokens.headers.get('cache-control')).toBe('no-store')
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 })
    const id = decodeJwt(tokens.body.id_token)
    expect(id).toMatchObject({ iss: `${BASE}/oidc`, aud: CLIENT_ID, sub: user.id })
    expect(id.nonce).toBeUndefined()
    expect(decodeProtectedHeader(tokens.body.id_token).kid).toBeTypeOf('string')
    const access = decodeJwt(tokens.body.access_token)
    expect(access.sub).toBe(user.id)
    expect(access.iat!).toBeLessThan(access.exp!)
    expect(tokens.body.refresh_token).toBeTypeOf('string')
    // The user's last sign-in is recorded.
    const listed = (await (await fetch(`${BASE}/__mock/users`)).json()).users.find((u: { id: string }) => u.id === user.id)
    expect(listed.lastLoginAt).not.toBeNull()
  })

  it('refuses a wrong password with the documented 422 and an unknown account the same way', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const wrong = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: 'nope-nope' })
    expectError(wrong, 422, 'session.invalid_credentials')
    expect(wrong.body.message).toBe('Incorrect account or password. Please check your input.')
    const unknown = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'nobody_here' }, password: PASSWORD })
    expectError(unknown, 422, 'session.invalid_credentials')
  })

  it('throttles password failures per account: past the limit even the right password is blocked, on the mock clock', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    const attempt = (password: string) => s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password })
    for (let i = 0; i < 10; i++) expectError(await attempt('wrong password'), 422, 'session.invalid_credentials')
    const blocked = await attempt(PASSWORD)
    expectError(blocked, 400, 'session.verification_blocked_too_many_attempts')
    expect(blocked.body.message).toBe('Too many attempts in a short time. Please try again in 15 minutes.')
    await control.advanceClock(15 * 60_000)
    expectOk(await attempt(PASSWORD))
  })
})
