/**
 * AuthClient + experienceApi against the in-process mock (msw), on the Node entry (cookie jar):
 * every way in (password by email / username / identifier, passwordless codes), every second
 * factor as a challenge (TOTP, backup code, WebAuthn through the virtual authenticator), the
 * typed next steps (missing profile, MFA enrolment, skipping it), sign-up, password reset,
 * resuming a challenge in another client, refresh rotation and server-side sign-out.
 */
import { describe, expect, it } from 'vitest'
import { createVirtualAuthenticator } from '../../../mocks/index'
import { AuthClient, AuthError, type Challenge } from '../../../src/index'
import { createExperienceClient, describeStep, experienceApi, resetPassword, signUp } from '../../../src/experience/node'
import { readClaims } from '../../../src/transport/jwt-claims'
import { totp } from '../../support/totp'
import { advanceClock, BASE, createUser, latestCode, requests, setConfig, sharedStorage, useMockBackend } from './support'

const mock = useMockBackend()
const CLIENT_ID = 'portcullis-demo'
const REDIRECT_URI = 'http://localhost:5173/callback'
const noMfa = { experience: { mfa: { factors: [] } } }

const client = (options: { storage?: ReturnType<typeof sharedStorage> } = {}) =>
  new AuthClient({ baseUrl: BASE, api: experienceApi({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }), now: () => mock.clock.now(), sleep: async () => {}, ...options })

const refreshTokenIn = (storage: ReturnType<typeof sharedStorage>): string | null =>
  (JSON.parse(storage.getItem('portcullis.session') ?? 'null') as { tokens?: { refreshToken?: string } } | null)?.tokens?.refreshToken ?? null

/** A `challenge` result's challenge (fails the test otherwise). */
function challengeOf(result: { status: string; challenge?: Challenge }): Challenge {
  expect(result.status).toBe('challenge')
  return result.challenge!
}

const storedUser = async (id: string) => (await mock.ready(), mock.state.users.get(id)!)
const tokenRequest = (form: Record<string, string>) =>
  fetch(`${BASE}/oidc/token`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, ...form }) })

describe('experienceApi: password sign-in and the OIDC finish', () => {
  it('signs in by email, username or a bare identifier; the session is the id token subject, the token is for this surface', async () => {
    await setConfig(noMfa)
    const user = await createUser()
    for (const credentials of [{ email: user.email, password: user.password }, { username: user.username, password: user.password }, { identifier: user.email, password: user.password }]) {
      const auth = client()
      const result = await auth.signIn(credentials)
      expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: user.id, email: user.email } } })
      const claims = readClaims((await auth.getAccessToken())!)!
      expect(claims.sub).toBe(user.id)
      expect([claims['aud']].flat()).toContain('portcullis:experience')
      auth.dispose()
    }
    // PKCE and state on every authorization request; one code exchange per sign-in.
    const log = await requests()
    expect(log.filter((r) => r.path === '/oidc/token').length).toBe(3)
    expect(log.filter((r) => r.path === '/oidc/auth').every((r) => r.status === 303)).toBe(true)
  })

  it('a wrong password is invalid_credentials, an unknown account is refused the same way, and nothing is stored', async () => {
    await setConfig(noMfa)
    const user = await createUser()
    const auth = client()
    await expect(auth.signIn({ email: user.email, password: 'not-the-password' })).rejects.toMatchObject({ code: 'invalid_credentials', kind: 'auth', status: 422 })
    await expect(auth.signIn({ email: 'nobody@example.com', password: 'whatever-1' })).rejects.toBeInstanceOf(AuthError)
    expect(await auth.getSession()).toBeNull()
  })

  it('bad input is a documented 4xx with its code, never a crash: an empty identifier, an unknown client', async () => {
    const auth = client()
    await expect(auth.signIn({ identifier: '', password: '' })).rejects.toMatchObject({ code: 'guard.invalid_input', kind: 'validation', status: 400 })
    const stranger = new AuthClient({ baseUrl: BASE, api: experienceApi({ clientId: 'no-such-client', redirectUri: REDIRECT_URI }) })
    await expect(stranger.signIn({ email: 'a@example.com', password: 'x' })).rejects.toMatchObject({ code: 'invalid_client', kind: 'validation', status: 400 })
    expect((await requests()).every((r) => r.status < 500)).toBe(true)
    expect(await auth.getSession()).toBeNull()
  })

  it('refreshes with rotation (the spent refresh token is refused), and signOut revokes the grant on the server', async () => {
    await setConfig(noMfa)
    const user = await createUser()
    const storage = sharedStorage()
    const auth = client({ storage })
    await auth.signIn({ email: user.email, password: user.password })
    const firstRefresh = refreshTokenIn(storage)!
    const firstExpiry = (await auth.getSession())!.expiresAt!
    await advanceClock(3_600_000 + 60_000)
    const before = (await requests()).length
    expect(await auth.getAccessToken()).toBeTruthy()
    expect((await requests()).slice(before).filter((r) => r.path === '/oidc/token').map((r) => r.status)).toEqual([200])
    expect((await auth.getSession())!.expiresAt!).toBeGreaterThan(firstExpiry)
    const rotated = refreshTokenIn(storage)!
    expect(rotated).not.toBe(firstRefresh)

    expect(await auth.signOut()).toEqual({ revoked: true })
    expect((await requests()).some((r) => r.path === '/oidc/token/revocation' && r.status === 200)).toBe(true)
    expect(await auth.getSession()).toBeNull()
    // The revoked grant is dead on the server: its refresh token buys nothing.
    const replay = await tokenRequest({ grant_type: 'refresh_token', refresh_token: rotated })
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('the typed experience client works on the same AuthClient', async () => {
    const auth = client()
    const { data } = await createExperienceClient(auth).GET('/oidc/.well-known/openid-configuration')
    expect(data?.issuer).toBe(`${BASE}/oidc`)
    expect(data?.code_challenge_methods_supported).toContain('S256')
  })
})

describe('experienceApi: second factors are challenges', () => {
  it('TOTP: a wrong code keeps the challenge open with one try fewer, the right one signs in', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    const user = await createUser({ totpSecret: secret })
    const auth = client()
    const challenge = challengeOf(await auth.signIn({ email: user.email, password: user.password }))
    expect(challenge.kind).toBe('sign_in_2fa')
    expect(challenge.methods).toContain('totp')
    expect(describeStep(challenge)).toMatchObject({ kind: 'sign_in_2fa', webauthn: null })
    const good = totp(secret, mock.clock.now())
    await expect(challenge.verify(good === '000000' ? '111111' : '000000')).rejects.toMatchObject({ code: 'invalid_code', kind: 'challenge' })
    const result = await challenge.verify(totp(secret, mock.clock.now()))
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: user.id } } })
    expect(readClaims((await auth.getAccessToken())!)!['amr']).toEqual(expect.arrayContaining(['otp']))
  })

  it('a backup code answers the challenge once; the same code is refused at the next sign-in', async () => {
    await setConfig({ experience: { mfa: { factors: ['Totp', 'BackupCode'] } } })
    const codes = ['0123456789', 'abcdef0123', '9876543210']
    const user = await createUser({ totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', backupCodes: codes })
    const challenge = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    expect(challenge.methods).toEqual(expect.arrayContaining(['totp', 'backup_code']))
    expect(await challenge.verify(codes[0]!)).toMatchObject({ status: 'signedIn' })
    const again = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    await expect(again.verify({ method: 'backup_code', code: codes[0]! })).rejects.toMatchObject({ code: 'invalid_code' })
    expect(await again.verify({ method: 'backup_code', code: codes[1]! })).toMatchObject({ status: 'signedIn' })
  })

  it('WebAuthn: enrolled at the UserControlled prompt with a new credential, then the second factor of the next sign-in', async () => {
    const user = await createUser()
    const authenticator = createVirtualAuthenticator({ origin: BASE })
    const prompt = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    expect(prompt.kind).toBe('bind_mfa')
    expect(describeStep(prompt)).toEqual({ kind: 'bind_mfa', enrolling: null, methods: ['totp', 'webauthn'], skippable: true })
    const enrol = challengeOf(await prompt.verify('webauthn'))
    const step = describeStep(enrol)
    if (step.kind !== 'bind_mfa' || step.enrolling !== 'webauthn') throw new Error(`unexpected step ${JSON.stringify(step)}`)
    expect(await enrol.verify(await authenticator.register(step.webauthn))).toMatchObject({ status: 'signedIn' })
    const listed = ((await (await fetch(`${BASE}/__mock/users`)).json()) as { users: Array<{ id: string; webAuthnCredentials: number }> }).users
    expect(listed.find((u) => u.id === user.id)?.webAuthnCredentials).toBe(1)

    const auth = client()
    const challenge = challengeOf(await auth.signIn({ email: user.email, password: user.password }))
    expect(challenge.methods).toEqual(['webauthn'])
    const request = describeStep(challenge)
    if (request.kind !== 'sign_in_2fa' || !request.webauthn) throw new Error('no WebAuthn options')
    // A credential for another challenge (a replay) is refused; the challenge stays open.
    await challenge.resend()
    await expect(challenge.verify(await authenticator.authenticate(request.webauthn))).rejects.toMatchObject({ code: 'invalid_code', kind: 'challenge' })
    const fresh = describeStep(challenge)
    if (fresh.kind !== 'sign_in_2fa' || !fresh.webauthn) throw new Error('no WebAuthn options')
    expect(await challenge.verify(await authenticator.authenticate(fresh.webauthn))).toMatchObject({ status: 'signedIn', session: { user: { id: user.id } } })
  })

  it('UserControlled: the enrolment prompt can be skipped, and is not shown again', async () => {
    const user = await createUser()
    const prompt = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    // The core takes back codes and second factors only; enrolment steps resume with resumeExperienceStep (experience-connectors.test.ts).
    expect(() => client().resumeChallenge(JSON.stringify(prompt))).toThrow(expect.objectContaining({ code: 'invalid_challenge' }))
    expect(await prompt.verify({ skip: true })).toMatchObject({ status: 'signedIn' })
    expect(await client().signIn({ email: user.email, password: user.password })).toMatchObject({ status: 'signedIn' })
  })

  it('Mandatory: the prompt cannot be skipped; enrolling TOTP (secret + QR shown) then backup codes signs in', async () => {
    await setConfig({ experience: { mfa: { policy: 'Mandatory', factors: ['Totp', 'BackupCode'] } } })
    const user = await createUser()
    const prompt = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    expect(describeStep(prompt)).toMatchObject({ kind: 'bind_mfa', enrolling: null, skippable: false })
    await expect(prompt.verify({ skip: true })).rejects.toMatchObject({ code: 'session.mfa.mfa_policy_not_user_controlled' })
    const enrol = challengeOf(await prompt.verify('totp'))
    const step = describeStep(enrol)
    if (step.kind !== 'bind_mfa' || step.enrolling !== 'totp') throw new Error('no TOTP enrolment')
    expect(step.qrCode).toMatch(/^data:image\/png;base64,/)
    const backup = challengeOf(await enrol.verify(totp(step.secret, mock.clock.now())))
    expect(backup.methods).toEqual(['backup_code'])
    const kept = challengeOf(await backup.verify('backup_code'))
    const codes = describeStep(kept)
    if (codes.kind !== 'bind_mfa' || codes.enrolling !== 'backup_code') throw new Error('no backup codes')
    expect(codes.codes).toHaveLength(10)
    expect(await kept.verify({})).toMatchObject({ status: 'signedIn' })
    const stored = await storedUser(user.id)
    expect(stored.totpSecret).toBe(step.secret)
  })
})

describe('experienceApi: passwordless, sign-up and password reset', () => {
  it('signIn({ email }) emails a code: resend replaces it (the old one no longer works), the new one signs in', async () => {
    await setConfig(noMfa)
    const user = await createUser()
    const auth = client()
    const challenge = challengeOf(await auth.signIn({ email: user.email }))
    expect(challenge).toMatchObject({ kind: 'sign_in_code', methods: ['email_code'], attemptsLeft: 10 })
    expect(describeStep(challenge)).toEqual({ kind: 'sign_in_code', channel: 'email', to: user.email })
    // The code lives 10 minutes on the backend's clock (shown on this device's clock).
    expect(Math.abs(challenge.expiresAt! - (Date.now() + 600_000))).toBeLessThan(5_000)
    const old = await latestCode(user.email)
    await challenge.resend()
    const fresh = await latestCode(user.email)
    expect(fresh).not.toBe(old)
    if (old !== fresh) await expect(challenge.verify(old)).rejects.toMatchObject({ code: 'invalid_code', kind: 'challenge', attemptsLeft: 9 })
    expect(await challenge.verify(fresh)).toMatchObject({ status: 'signedIn', session: { user: { id: user.id } } })
  })

  it('a challenge saved as JSON is answered by another client (the interaction cookies travel with it)', async () => {
    await setConfig(noMfa)
    const user = await createUser({ phone: '+15550100123' })
    const challenge = challengeOf(await client().signIn({ phone: '+15550100123' }))
    expect(challenge.methods).toEqual(['phone_code'])
    const saved = JSON.stringify(challenge)
    expect(saved).not.toContain(user.password)
    const other = client()
    const resumed = other.resumeChallenge(saved)
    expect(await resumed.verify(await latestCode('+15550100123'))).toMatchObject({ status: 'signedIn' })
    expect((await other.getSession())!.user.id).toBe(user.id)
  })

  it('signUp by email: the code, then the missing password as a typed step, then a signed-in new account', async () => {
    await setConfig(noMfa)
    const auth = client()
    const email = `new-${Date.now()}@example.com`
    const code = challengeOf(await signUp(auth, { email }))
    expect(code.kind).toBe('sign_in_code')
    const missing = challengeOf(await code.verify(await latestCode(email)))
    expect(describeStep(missing)).toEqual({ kind: 'missing_profile', missing: ['password'] })
    await expect(missing.verify({ password: 'short' })).rejects.toMatchObject({ code: 'password.rejected' })
    const result = await missing.verify({ password: 'a long enough password' })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { email } } })
    expect(await client().signIn({ email, password: 'a long enough password' })).toMatchObject({ status: 'signedIn' })
  })

  it('resetPassword: code, new password, verified; the old password stops working', async () => {
    await setConfig(noMfa)
    const user = await createUser()
    const auth = client()
    const code = challengeOf(await resetPassword(auth, { email: user.email }))
    const newPassword = challengeOf(await code.verify(await latestCode(user.email)))
    expect(describeStep(newPassword)).toEqual({ kind: 'missing_profile', missing: ['password'] })
    expect(await newPassword.verify({ password: 'brand new password 2' })).toEqual({ status: 'verified' })
    expect(await auth.getSession()).toBeNull()
    await expect(client().signIn({ email: user.email, password: user.password })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(await client().signIn({ email: user.email, password: 'brand new password 2' })).toMatchObject({ status: 'signedIn' })
  })
})
