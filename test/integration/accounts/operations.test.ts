/**
 * Every accounts query and mutation, its success path and each documented error, as ONE suite run
 * over both endpoints: classic (`POST /graphql`, plain arguments) and relay (`POST /graphql/relay`,
 * `input:` with `clientMutationId` echoed). The two schemas share one implementation in the mock;
 * this proves they share behaviour.
 */
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { ACTIONS, createActionToken } from '../../../mocks/surfaces/accounts'
import {
  accounts,
  control,
  createUser,
  DAY,
  expectErrors,
  expectSuccess,
  FLAVOURS,
  mailedToken,
  NEW_PASSWORD,
  PASSWORD,
  signIn,
  useAccountsMock,
  type Output,
} from './helpers'

const mock = useAccountsMock()

const USER_FIELDS = 'id pk username email firstName lastName isActive archived verified secondaryEmail lastLogin dateJoined isStaff'
const PROTECTED: Array<[string, Record<string, unknown>]> = [
  ['archiveAccount', { password: PASSWORD }],
  ['deleteAccount', { password: PASSWORD }],
  ['passwordChange', { oldPassword: PASSWORD, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }],
  ['updateAccount', { firstName: 'X' }],
  ['sendSecondaryEmailActivation', { email: 'second@example.org', password: PASSWORD }],
  ['swapEmails', { password: PASSWORD }],
  ['removeSecondaryEmail', { password: PASSWORD }],
]

async function userRecord(email: string): Promise<Record<string, any> | undefined> {
  const response = await fetch(`${control.base}/__mock/users`)
  const { users } = (await response.json()) as { users: Array<Record<string, any>> }
  return users.find((u) => u['email'] === email)
}

describe.each(FLAVOURS)('accounts surface (%s)', (flavour) => {
  const api = accounts(flavour)
  const me = async (token: string | undefined, headers: Record<string, string> = {}) =>
    api.query(`{ me { ${USER_FIELDS} } }`, {}, { ...(token ? { token } : {}), headers })

  describe('register', () => {
    const input = (extra: Record<string, unknown> = {}) => ({ email: 'new.user@example.com', username: 'new_user', password1: NEW_PASSWORD, password2: NEW_PASSWORD, ...extra })

    it('creates an unverified user, mails the activation link and signs in', async () => {
      const output = await api.mutate('register', input())
      expectSuccess(output)
      expect(decodeJwt(output['token'] as string)['username']).toBe('new_user')
      expect(output['refreshToken']).toMatch(/^[0-9a-f]{40}$/)
      const message = await control.lastMessage({ to: 'new.user@example.com' })
      expect(message).toMatchObject({ channel: 'email', purpose: 'accounts.activation', subject: 'Activate your account on mock.test' })
      expect(message.token).toMatch(/^[A-Za-z0-9_-]+:[0-9A-Za-z]+:[A-Za-z0-9_-]+$/)
      expect(JSON.parse(Buffer.from(message.token!.split(':')[0]!, 'base64url').toString())).toEqual({ username: 'new_user', action: 'activation' })
      expect(message.body).toContain(`http://mock.test/activate/${message.token}`)
      expect(await userRecord('new.user@example.com')).toMatchObject({ username: 'new_user', verified: false })
    })

    it('form errors per field: username taken, invalid email, Django password validators on password2', async () => {
      const errors = expectErrors(await api.mutate('register', input({ username: 'alice', email: 'not-an-email', password1: '1234', password2: '1234' })), {
        email: ['invalid'],
        username: ['unique'],
        password2: ['password_too_short', 'password_too_common', 'password_entirely_numeric'],
      })
      expect(errors['username']![0]!.message).toBe('A user with that username already exists.')
      expect(errors['email']![0]!.message).toBe('Enter a valid email address.')
      expect(errors['password2']!.map((e) => e.message)).toEqual([
        'This password is too short. It must contain at least 8 characters.',
        'This password is too common.',
        'This password is entirely numeric.',
      ])
      expect(await userRecord('not-an-email')).toBeUndefined()
    })

    it('a mismatch is reported on password2 alone (U+2019 apostrophe), validators not run', async () => {
      const errors = expectErrors(await api.mutate('register', input({ password1: 'short', password2: 'other' })), { password2: ['password_mismatch'] })
      expect(errors['password2']![0]!.message).toBe('The two password fields didn\u2019t match.')
    })

    it('a password too similar to the username or email', async () => {
      const errors = expectErrors(await api.mutate('register', input({ username: 'marguerite', password1: 'marguerite1', password2: 'marguerite1' })), {
        password2: ['password_too_similar'],
      })
      expect(errors['password2']![0]!.message).toBe('The password is too similar to the username.')
    })

    it('an email someone uses (primary or secondary) → EMAIL_IN_USE on email, and no user', async () => {
      expectErrors(await api.mutate('register', input({ email: 'alice@example.com' })), { email: ['unique'] })
      await createUser({ secondaryEmail: 'taken.second@example.com' })
      const errors = expectErrors(await api.mutate('register', input({ email: 'TAKEN.second@example.com' })), { email: ['unique'] })
      expect(errors['email']![0]!.message).toBe('A user with that email already exists.')
      expect(await userRecord('taken.second@example.com')).toBeUndefined()
    })

    it('the link path follows accounts.activationPath', async () => {
      await control.setConfig({ accounts: { activationPath: 'app/verify' } })
      expectSuccess(await api.mutate('register', input()))
      const message = await control.lastMessage({ to: 'new.user@example.com' })
      expect(message.body).toContain(`http://mock.test/app/verify/${message.token}`)
    })

    it('allowLoginNotVerified: false → no tokens', async () => {
      await control.setConfig({ accounts: { allowLoginNotVerified: false } })
      const output = await api.mutate('register', input())
      expectSuccess(output)
      expect(output['token']).toBeNull()
      expect(output['refreshToken']).toBeNull()
    })

    it('mail off → EMAIL_FAIL and no half-created user', async () => {
      await control.setConfig({ mailEnabled: false })
      const errors = expectErrors(await api.mutate('register', input()), { nonFieldErrors: ['email_fail'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Failed to send email.')
      expect(await userRecord('new.user@example.com')).toBeUndefined()
      await control.setConfig({ mailEnabled: true })
      expectSuccess(await api.mutate('register', input()))
    })
  })

  describe('verifyAccount', () => {
    it('verifies with the mailed token; a second time is ALREADY_VERIFIED', async () => {
      await api.mutate('resendActivationEmail', { email: 'dave@example.com' })
      const token = await mailedToken('dave@example.com', 'accounts.activation_resend')
      expectSuccess(await api.mutate('verifyAccount', { token }))
      expect(await userRecord('dave@example.com')).toMatchObject({ verified: true })
      expectErrors(await api.mutate('verifyAccount', { token }), { nonFieldErrors: ['already_verified'] })
    })

    it('EXPIRED_TOKEN after 7 days on the mock clock; INVALID_TOKEN for a forged or other-action token', async () => {
      await api.mutate('resendActivationEmail', { email: 'dave@example.com' })
      const token = await mailedToken('dave@example.com')
      const [body, stamp, signature] = token.split(':') as [string, string, string]
      const forged = `${Buffer.from(JSON.stringify({ username: 'alice', action: 'activation' })).toString('base64url')}:${stamp}:${signature}`
      expectErrors(await api.mutate('verifyAccount', { token: forged }), { nonFieldErrors: ['invalid_token'] })
      expectErrors(await api.mutate('verifyAccount', { token: `${body}:${stamp}:${signature.slice(1)}A` }), { nonFieldErrors: ['invalid_token'] })
      const reset = await createActionToken(mock.state, { username: 'dave', action: ACTIONS.passwordReset })
      expectErrors(await api.mutate('verifyAccount', { token: reset }), { nonFieldErrors: ['invalid_token'] })
      await control.advanceClock(7 * DAY + 2_000)
      const errors = expectErrors(await api.mutate('verifyAccount', { token }), { nonFieldErrors: ['expired_token'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Expired token.')
      expect(await userRecord('dave@example.com')).toMatchObject({ verified: false })
    })
  })

  describe('resendActivationEmail', () => {
    it('mails the link again; unknown addresses succeed silently; invalid email; ALREADY_VERIFIED; EMAIL_FAIL', async () => {
      expectSuccess(await api.mutate('resendActivationEmail', { email: 'dave@example.com' }))
      expect(await control.outbox({ to: 'dave@example.com', purpose: 'accounts.activation_resend' })).toHaveLength(1)
      expectSuccess(await api.mutate('resendActivationEmail', { email: 'nobody@example.com' }))
      expect(await control.outbox({ to: 'nobody@example.com' })).toEqual([])
      expectErrors(await api.mutate('resendActivationEmail', { email: 'nope' }), { email: ['invalid'] })
      const errors = expectErrors(await api.mutate('resendActivationEmail', { email: 'alice@example.com' }), { email: ['already_verified'] })
      expect(errors['email']![0]!.message).toBe('Account already verified.')
      await control.setConfig({ mailEnabled: false })
      expectErrors(await api.mutate('resendActivationEmail', { email: 'dave@example.com' }), { nonFieldErrors: ['email_fail'] })
    })
  })

  describe('attacks the shared throttles see', () => {
    it('mails per address are throttled (limits.codeSends): resending buys nothing after the limit', async () => {
      await control.setConfig({ limits: { codeSends: { perDestination: { max: 2, windowSeconds: 3600 } } } })
      expectSuccess(await api.mutate('resendActivationEmail', { email: 'dave@example.com' }))
      expectSuccess(await api.mutate('resendActivationEmail', { email: 'dave@example.com' }))
      expectErrors(await api.mutate('resendActivationEmail', { email: 'dave@example.com' }), { nonFieldErrors: ['throttled'] })
      expect(await control.outbox({ to: 'dave@example.com' })).toHaveLength(2)
    })

    it('registrations per client are throttled (limits.registrations), before the address is looked up', async () => {
      await control.setConfig({ limits: { registrations: { perClient: { max: 1, windowSeconds: 3600 } } } })
      expectSuccess(await api.mutate('register', { email: 'one@example.com', username: 'one', password1: NEW_PASSWORD, password2: NEW_PASSWORD }))
      expectErrors(await api.mutate('register', { email: 'alice@example.com', username: 'two', password1: NEW_PASSWORD, password2: NEW_PASSWORD }), { nonFieldErrors: ['throttled'] })
    })

    it('aliased password guesses in one request: over limits.sensitiveFieldsPerRequest the request is refused', async () => {
      const field = flavour === 'classic' ? (i: number) => `g${i}: tokenAuth(username: "alice", password: "guess-${i}") { success }` : (i: number) => `g${i}: tokenAuth(input: { username: "alice", password: "guess-${i}" }) { success }`
      const reply = await api.query(`mutation { ${Array.from({ length: 6 }, (_, i) => field(i)).join(' ')} }`)
      expect(reply.status).toBe(200)
      expect(reply.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_SENSITIVE_FIELDS')
      expect(reply.body.data).toBeUndefined()
      await signIn(api, { username: 'alice', password: 'portcullis-demo' })
    })
  })

  describe('sendPasswordResetEmail + passwordReset', () => {
    it('mails the reset link to the address asked for (primary or secondary); the token sets a new password and ends every session', async () => {
      const user = await createUser({ secondaryEmail: 'reset.second@example.com' })
      const before = await signIn(api, user)
      expectSuccess(await api.mutate('sendPasswordResetEmail', { email: 'reset.second@example.com' }))
      const token = await mailedToken('reset.second@example.com', 'accounts.password_reset')
      expect((await control.lastMessage({ to: 'reset.second@example.com' })).body).toContain(`/password-reset/${token}`)
      expectSuccess(await api.mutate('sendPasswordResetEmail', { email: user.email }))
      await mailedToken(user.email, 'accounts.password_reset')

      expectSuccess(await api.mutate('passwordReset', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }))
      expectErrors(await api.mutate('tokenAuth', { username: user.username, password: PASSWORD }), { nonFieldErrors: ['invalid_credentials'] })
      await signIn(api, { username: user.username, password: NEW_PASSWORD })
      expectErrors(await api.mutate('refreshToken', { refreshToken: before.refreshToken }), { nonFieldErrors: ['invalid_token'] })
    })

    it('unknown address → success, nothing sent; unverified → NOT_VERIFIED_PASSWORD_RESET and a new activation mail; invalid; EMAIL_FAIL', async () => {
      expectSuccess(await api.mutate('sendPasswordResetEmail', { email: 'ghost@example.com' }))
      expect(await control.outbox({ to: 'ghost@example.com' })).toEqual([])
      const errors = expectErrors(await api.mutate('sendPasswordResetEmail', { email: 'dave@example.com' }), { email: ['not_verified'] })
      expect(errors['email']![0]!.message).toBe('Verify your account. A new verification email was sent.')
      expect((await control.lastMessage({ to: 'dave@example.com' })).purpose).toBe('accounts.activation_resend')
      expectErrors(await api.mutate('sendPasswordResetEmail', { email: 'x@' }), { email: ['invalid'] })
      await control.setConfig({ mailEnabled: false })
      expectErrors(await api.mutate('sendPasswordResetEmail', { email: 'alice@example.com' }), { nonFieldErrors: ['email_fail'] })
    })

    it('passwordReset verifies an unverified account; form errors on newPassword2; EXPIRED_TOKEN after 1 h; INVALID_TOKEN for an activation token', async () => {
      const token = await createActionToken(mock.state, { username: 'dave', action: ACTIONS.passwordReset })
      expectErrors(await api.mutate('passwordReset', { token, newPassword1: NEW_PASSWORD, newPassword2: 'different-1' }), { newPassword2: ['password_mismatch'] })
      expectErrors(await api.mutate('passwordReset', { token, newPassword1: 'dave', newPassword2: 'dave' }), { newPassword2: ['password_too_similar', 'password_too_short'] })
      const activation = await createActionToken(mock.state, { username: 'dave', action: ACTIONS.activation })
      expectErrors(await api.mutate('passwordReset', { token: activation, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }), { nonFieldErrors: ['invalid_token'] })
      expectSuccess(await api.mutate('passwordReset', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }))
      expect(await userRecord('dave@example.com')).toMatchObject({ verified: true })
      await control.advanceClock(3_600_000 + 2_000)
      expectErrors(await api.mutate('passwordReset', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }), { nonFieldErrors: ['expired_token'] })
    })
  })

  describe('passwordSet', () => {
    it('gives a password to an account without one; PASSWORD_ALREADY_SET otherwise; form and token errors', async () => {
      const user = await createUser({ password: null })
      const token = await createActionToken(mock.state, { username: user.username, action: ACTIONS.passwordSet })
      expectErrors(await api.mutate('passwordSet', { token, newPassword1: NEW_PASSWORD, newPassword2: 'nope-nope-1' }), { newPassword2: ['password_mismatch'] })
      expectErrors(await api.mutate('passwordSet', { token: 'a:b:c', newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }), { nonFieldErrors: ['invalid_token'] })
      expectSuccess(await api.mutate('passwordSet', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }))
      await signIn(api, { username: user.username, password: NEW_PASSWORD })
      const errors = expectErrors(await api.mutate('passwordSet', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }), { nonFieldErrors: ['password_already_set'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Password already set for account.')
      await control.advanceClock(3_600_000 + 2_000)
      expectErrors(await api.mutate('passwordSet', { token, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }), { nonFieldErrors: ['expired_token'] })
    })
  })

  describe('tokenAuth', () => {
    it('by username: a graphql-jwt JWT (payload username/exp/origIat, 5 min), a 40-hex refresh token for 7 days, the user', async () => {
      const user = await createUser()
      const now = Math.floor((await control.now()) / 1000)
      const { output } = await signIn(api, user)
      const payload = output['payload'] as { username: string; exp: number; origIat: number }
      expect(payload).toEqual({ username: user.username, exp: payload.origIat + 300, origIat: payload.origIat })
      expect(Math.abs(payload.origIat - now)).toBeLessThanOrEqual(2)
      expect(decodeJwt(output['token'] as string)).toMatchObject(payload)
      expect(output['refreshToken']).toMatch(/^[0-9a-f]{40}$/)
      expect(output['refreshExpiresIn']).toBe(payload.origIat + 604_800)
      expect(output['unarchiving']).toBe(false)
      const created = await userRecord(user.email)
      expect(output['user']).toMatchObject({ pk: created!['pk'], id: btoa(`UserNode:${created!['pk']}`), username: user.username, email: user.email, verified: true })
      expect((output['user'] as { lastLogin: string | null }).lastLogin).not.toBeNull()
    })

    it('by email, primary or secondary (unless allowLoginWithSecondaryEmail is off)', async () => {
      const user = await createUser({ secondaryEmail: 'login.second@example.com' })
      expectSuccess(await api.mutate('tokenAuth', { email: user.email, password: PASSWORD }))
      expectSuccess(await api.mutate('tokenAuth', { email: 'login.second@example.com', password: PASSWORD }))
      await control.setConfig({ accounts: { allowLoginWithSecondaryEmail: false } })
      expectErrors(await api.mutate('tokenAuth', { email: 'login.second@example.com', password: PASSWORD }), { nonFieldErrors: ['invalid_credentials'] })
    })

    it('wrong password and unknown user both → INVALID_CREDENTIALS', async () => {
      const errors = expectErrors(await api.mutate('tokenAuth', { username: 'alice', password: 'wrong-password' }), { nonFieldErrors: ['invalid_credentials'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Please, enter valid credentials.')
      expectErrors(await api.mutate('tokenAuth', { username: 'nobody', password: 'wrong-password' }), { nonFieldErrors: ['invalid_credentials'] })
    })

    it('both email and username (or neither) → the top-level wrong-usage error', async () => {
      for (const args of [{ username: 'alice', email: 'alice@example.com', password: PASSWORD }, { password: PASSWORD }]) {
        const reply = await api.mutateRaw('tokenAuth', args)
        expect(reply.status).toBe(200)
        expect(reply.body.errors?.[0]?.message).toBe("Must login with password and one of the following fields ['email', 'username'].")
        expect(reply.body.data?.['tokenAuth']).toBeNull()
      }
    })

    it('unverified users sign in by default; with allowLoginNotVerified off the right password gives NOT_VERIFIED, a wrong one INVALID_CREDENTIALS', async () => {
      expectSuccess(await api.mutate('tokenAuth', { username: 'dave', password: 'portcullis-demo' }))
      await control.setConfig({ accounts: { allowLoginNotVerified: false } })
      const errors = expectErrors(await api.mutate('tokenAuth', { username: 'dave', password: 'portcullis-demo' }), { nonFieldErrors: ['not_verified'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Please verify your account.')
      expectErrors(await api.mutate('tokenAuth', { username: 'dave', password: 'wrong-password' }), { nonFieldErrors: ['invalid_credentials'] })
    })

    it('an archived user is unarchived by signing in (unarchiving: true)', async () => {
      const user = await createUser({ archived: true })
      const { output } = await signIn(api, user)
      expect(output['unarchiving']).toBe(true)
      expect(output['user']).toMatchObject({ archived: false })
      expect((await signIn(api, user)).output['unarchiving']).toBe(false)
    })

    it('password checks are throttled per account (limits.passwordFailures; even the right password), until the window passes', async () => {
      await control.setConfig({ limits: { passwordFailures: { perAccount: { max: 3, windowSeconds: 900 } } } })
      const user = await createUser({ archived: true })
      for (let i = 0; i < 3; i++) expectErrors(await api.mutate('tokenAuth', { username: user.username, password: `wrong-${i}` }), { nonFieldErrors: ['invalid_credentials'] })
      const errors = expectErrors(await api.mutate('tokenAuth', { username: user.username, password: PASSWORD }), { nonFieldErrors: ['throttled'] })
      expect(errors['nonFieldErrors']![0]!.message).toMatch(/^Too many attempts\. Try again in \d+ seconds\.$/)
      // As in the package, a wrong guess still unarchived the account.
      expect(await userRecord(user.email)).toMatchObject({ archived: false })
      // Another account is not affected.
      await signIn(api, await createUser())
      await control.advanceClock(15 * 60_000 + 1_000)
      await signIn(api, user)
    })
  })

  describe('verifyToken', () => {
    it('returns the payload of a live JWT; EXPIRED_TOKEN after 5 minutes; INVALID_TOKEN for garbage and for another surface’s token', async () => {
      const { token, output } = await signIn(api, await createUser())
      const verified = await api.mutate('verifyToken', { token })
      expectSuccess(verified)
      expect(verified['payload']).toEqual(output['payload'])
      expectErrors(await api.mutate('verifyToken', { token: 'not.a.jwt' }), { nonFieldErrors: ['invalid_token'] })
      const platform = await fetch(`${control.base}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { login(credentials: { username: "alice", password: "portcullis-demo" }) { token } }' }),
      })
      const platformToken = ((await platform.json()) as { data: { login: { token: string } } }).data.login.token
      expectErrors(await api.mutate('verifyToken', { token: platformToken }), { nonFieldErrors: ['invalid_token'] })
      expect((await me(platformToken)).body.errors?.[0]?.message).toBe('Invalid token')
      await control.advanceClock(301_000)
      expectErrors(await api.mutate('verifyToken', { token }), { nonFieldErrors: ['expired_token'] })
    })
  })

  describe('refreshToken + revokeToken', () => {
    it('refreshToken returns a new JWT and a new refresh token; the old one keeps working', async () => {
      const { refreshToken } = await signIn(api, await createUser())
      await control.advanceClock(301_000)
      const first = await api.mutate('refreshToken', { refreshToken })
      expectSuccess(first)
      expect(first['refreshToken']).toMatch(/^[0-9a-f]{40}$/)
      expect(first['refreshToken']).not.toBe(refreshToken)
      const payload = first['payload'] as { exp: number; origIat: number }
      expect(payload.exp - payload.origIat).toBe(300)
      expect(first['refreshExpiresIn']).toBe(payload.origIat + 604_800)
      expect((await me(first['token'] as string)).body.data?.['me']).toBeTruthy()
      expectSuccess(await api.mutate('refreshToken', { refreshToken }))
    })

    it('INVALID_TOKEN for unknown, expired (> 7 days) and other surfaces’ refresh tokens', async () => {
      expectErrors(await api.mutate('refreshToken', { refreshToken: 'f'.repeat(40) }), { nonFieldErrors: ['invalid_token'] })
      const otp = await fetch(`${control.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.com', password: 'portcullis-demo' }) })
      const otpRefresh = ((await otp.json()) as { refreshToken: string }).refreshToken
      expectErrors(await api.mutate('refreshToken', { refreshToken: otpRefresh }), { nonFieldErrors: ['invalid_token'] })
      expectErrors(await api.mutate('revokeToken', { refreshToken: otpRefresh }), { nonFieldErrors: ['invalid_token'] })
      const { refreshToken } = await signIn(api, await createUser())
      await control.advanceClock(7 * DAY + 1_000)
      expectErrors(await api.mutate('refreshToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })
    })

    it('revokeToken answers revoked = now (unix seconds); the token is then INVALID_TOKEN for both', async () => {
      const { refreshToken } = await signIn(api, await createUser())
      const now = Math.floor((await control.now()) / 1000)
      const revoked = await api.mutate('revokeToken', { refreshToken })
      expectSuccess(revoked)
      expect(Math.abs((revoked['revoked'] as number) - now)).toBeLessThanOrEqual(2)
      expectErrors(await api.mutate('refreshToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })
      expectErrors(await api.mutate('revokeToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })
    })
  })

  describe('protected mutations', () => {
    it.each(PROTECTED)('%s without a token answers UNAUTHENTICATED in its output; a Bearer prefix counts as no token', async (field, args) => {
      const errors = expectErrors(await api.mutate(field, args), { nonFieldErrors: ['unauthenticated'] })
      expect(errors['nonFieldErrors']![0]!.message).toBe('Unauthenticated.')
      const { token } = await signIn(api, await createUser())
      expectErrors(await api.mutate(field, args, { headers: { authorization: `Bearer ${token}` } }), { nonFieldErrors: ['unauthenticated'] })
    })

    it.each(PROTECTED)('%s with an expired JWT fails with the top-level "Signature has expired"', async (field, args) => {
      const { token } = await signIn(api, await createUser())
      await control.advanceClock(301_000)
      const reply = await api.mutateRaw(field, args, { token })
      expect(reply.status).toBe(200)
      expect(reply.body.errors?.[0]).toMatchObject({ message: 'Signature has expired', path: [field] })
      expect(reply.body.data?.[field]).toBeNull()
    })

    it.each(PROTECTED)('%s for an unverified user → NOT_VERIFIED', async (field, args) => {
      const { token } = await signIn(api, { username: 'dave', password: 'portcullis-demo' })
      expectErrors(await api.mutate(field, args, { token }), { nonFieldErrors: ['not_verified'] })
    })
  })

  describe('archiveAccount / deleteAccount', () => {
    it('archiveAccount: INVALID_PASSWORD on password; then archived, every token revoked, the next sign-in unarchives', async () => {
      const user = await createUser()
      const { token, refreshToken } = await signIn(api, user)
      const errors = expectErrors(await api.mutate('archiveAccount', { password: 'wrong-one' }, { token }), { password: ['invalid_password'] })
      expect(errors['password']![0]!.message).toBe('Invalid password.')
      expectSuccess(await api.mutate('archiveAccount', { password: PASSWORD }, { token }))
      expect(await userRecord(user.email)).toMatchObject({ archived: true })
      expectErrors(await api.mutate('refreshToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })
      expect((await signIn(api, user)).output['unarchiving']).toBe(true)
    })

    it('deleteAccount deactivates (tokenAuth then INVALID_CREDENTIALS); with allowDeleteAccount the user is gone', async () => {
      const user = await createUser()
      const { token, refreshToken } = await signIn(api, user)
      expectErrors(await api.mutate('deleteAccount', { password: 'wrong-one' }, { token }), { password: ['invalid_password'] })
      expectSuccess(await api.mutate('deleteAccount', { password: PASSWORD }, { token }))
      expect(await userRecord(user.email)).toMatchObject({ isActive: false })
      expectErrors(await api.mutate('tokenAuth', { username: user.username, password: PASSWORD }), { nonFieldErrors: ['invalid_credentials'] })
      expectErrors(await api.mutate('refreshToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })

      await control.setConfig({ accounts: { allowDeleteAccount: true } })
      const other = await createUser()
      const session = await signIn(api, other)
      expectSuccess(await api.mutate('deleteAccount', { password: PASSWORD }, { token: session.token }))
      expect(await userRecord(other.email)).toBeUndefined()
      const listed = await api.query('query($email: String) { users(email: $email) { edges { node { pk } } } }', { email: other.email })
      expect(listed.body.data?.['users']).toEqual({ edges: [] })
    })
  })

  describe('passwordChange', () => {
    it('old password, then the new-password form; success revokes the old tokens and returns a new pair', async () => {
      const user = await createUser()
      const { token, refreshToken } = await signIn(api, user)
      expectErrors(await api.mutate('passwordChange', { oldPassword: 'wrong-one', newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }, { token }), {
        oldPassword: ['invalid_password'],
      })
      expectErrors(await api.mutate('passwordChange', { oldPassword: PASSWORD, newPassword1: NEW_PASSWORD, newPassword2: 'mismatch-1' }, { token }), {
        newPassword2: ['password_mismatch'],
      })
      const changed = await api.mutate('passwordChange', { oldPassword: PASSWORD, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD }, { token })
      expectSuccess(changed)
      expect(changed['refreshToken']).toMatch(/^[0-9a-f]{40}$/)
      expect((await me(changed['token'] as string)).body.data?.['me']).toMatchObject({ username: user.username })
      expectErrors(await api.mutate('refreshToken', { refreshToken }), { nonFieldErrors: ['invalid_token'] })
      expectSuccess(await api.mutate('refreshToken', { refreshToken: changed['refreshToken'] }))
      await signIn(api, { username: user.username, password: NEW_PASSWORD })
    })
  })

  describe('updateAccount', () => {
    it('changes the fields given, keeps the others; a first name over 30 characters is max_length', async () => {
      const user = await createUser({ firstName: 'Ann', lastName: 'Old' })
      const { token } = await signIn(api, user)
      expectSuccess(await api.mutate('updateAccount', { lastName: 'New' }, { token }))
      expect((await me(token)).body.data?.['me']).toMatchObject({ firstName: 'Ann', lastName: 'New' })
      const errors = expectErrors(await api.mutate('updateAccount', { firstName: 'x'.repeat(31) }, { token }), { firstName: ['max_length'] })
      expect(errors['firstName']![0]!.message).toBe('Ensure this value has at most 30 characters (it has 31).')
      expect((await me(token)).body.data?.['me']).toMatchObject({ firstName: 'Ann' })
    })
  })

  describe('secondary email', () => {
    it('sendSecondaryEmailActivation mails the new address; verifySecondaryEmail saves it; swapEmails; removeSecondaryEmail', async () => {
      const user = await createUser()
      const { token } = await signIn(api, user)
      expectErrors(await api.mutate('swapEmails', { password: PASSWORD }, { token }), { nonFieldErrors: ['secondary_email_required'] })
      expectErrors(await api.mutate('removeSecondaryEmail', { password: PASSWORD }, { token }), { nonFieldErrors: ['secondary_email_required'] })

      expectSuccess(await api.mutate('sendSecondaryEmailActivation', { email: 'my.second@example.com', password: PASSWORD }, { token }))
      const link = await mailedToken('my.second@example.com', 'accounts.activation_secondary_email')
      expect(JSON.parse(Buffer.from(link.split(':')[0]!, 'base64url').toString())).toEqual({
        username: user.username,
        action: 'activation_secondary_email',
        secondary_email: 'my.second@example.com',
      })
      expectSuccess(await api.mutate('verifySecondaryEmail', { token: link }))
      expect((await me(token)).body.data?.['me']).toMatchObject({ email: user.email, secondaryEmail: 'my.second@example.com' })

      expectErrors(await api.mutate('swapEmails', { password: 'wrong-one' }, { token }), { password: ['invalid_password'] })
      expectSuccess(await api.mutate('swapEmails', { password: PASSWORD }, { token }))
      expect((await me(token)).body.data?.['me']).toMatchObject({ email: 'my.second@example.com', secondaryEmail: user.email })
      expectErrors(await api.mutate('removeSecondaryEmail', { password: 'wrong-one' }, { token }), { password: ['invalid_password'] })
      expectSuccess(await api.mutate('removeSecondaryEmail', { password: PASSWORD }, { token }))
      expect((await me(token)).body.data?.['me']).toMatchObject({ email: 'my.second@example.com', secondaryEmail: null })
    })

    it('sendSecondaryEmailActivation: INVALID_PASSWORD, then invalid email, then EMAIL_IN_USE, then EMAIL_FAIL', async () => {
      const { token } = await signIn(api, await createUser())
      expectErrors(await api.mutate('sendSecondaryEmailActivation', { email: 'bad', password: 'wrong-one' }, { token }), { password: ['invalid_password'] })
      expectErrors(await api.mutate('sendSecondaryEmailActivation', { email: 'bad', password: PASSWORD }, { token }), { email: ['invalid'] })
      expectErrors(await api.mutate('sendSecondaryEmailActivation', { email: 'bob@example.com', password: PASSWORD }, { token }), { email: ['unique'] })
      await control.setConfig({ mailEnabled: false })
      expectErrors(await api.mutate('sendSecondaryEmailActivation', { email: 'free@example.com', password: PASSWORD }, { token }), { nonFieldErrors: ['email_fail'] })
    })

    it('verifySecondaryEmail: EMAIL_IN_USE when the address was taken meanwhile; EXPIRED_TOKEN after 1 h; INVALID_TOKEN', async () => {
      const user = await createUser()
      const { token } = await signIn(api, user)
      expectSuccess(await api.mutate('sendSecondaryEmailActivation', { email: 'contested@example.com', password: PASSWORD }, { token }))
      const link = await mailedToken('contested@example.com')
      await createUser({ email: 'contested@example.com' })
      expectErrors(await api.mutate('verifySecondaryEmail', { token: link }), { nonFieldErrors: ['unique'] })
      expectErrors(await api.mutate('verifySecondaryEmail', { token: 'x:y:z' }), { nonFieldErrors: ['invalid_token'] })
      await control.advanceClock(3_600_000 + 2_000)
      expectErrors(await api.mutate('verifySecondaryEmail', { token: link }), { nonFieldErrors: ['expired_token'] })
    })
  })

  describe('queries', () => {
    const USERS = `query Users($first: Int, $last: Int, $after: String, $before: String, $offset: Int, $email: String, $username: String, $username_Icontains: String,
      $username_Istartswith: String, $isActive: Boolean, $status_Archived: Boolean, $status_Verified: Boolean, $status_SecondaryEmail: String) {
      users(first: $first, last: $last, after: $after, before: $before, offset: $offset, email: $email, username: $username, username_Icontains: $username_Icontains,
        username_Istartswith: $username_Istartswith, isActive: $isActive, status_Archived: $status_Archived, status_Verified: $status_Verified,
        status_SecondaryEmail: $status_SecondaryEmail) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { ${USER_FIELDS} } }
      } }`
    const usernames = async (variables: Record<string, unknown>) => {
      const reply = await api.query(USERS, variables)
      expect(reply.body.errors).toBeUndefined()
      return (reply.body.data!['users'] as { edges: Array<{ node: { username: string } }> }).edges.map((e) => e.node.username)
    }

    it('users needs no token and supports every filter', async () => {
      await createUser({ username: 'qxzed_archived', email: 'zed@example.com', archived: true, secondaryEmail: 'zed.two@example.com' })
      await createUser({ username: 'QXzara', email: 'zara@example.com', isActive: false, verified: false })
      await createUser({ username: 'qy_arq', email: 'qy@example.com' })
      const listed = (await (await fetch(`${control.base}/__mock/users`)).json()) as { users: Array<{ username: string }> }
      expect(await usernames({})).toEqual(listed.users.map((u) => u.username))
      expect(await usernames({ email: 'bob@example.com' })).toEqual(['bob'])
      expect(await usernames({ email: 'BOB@example.com' })).toEqual([])
      expect(await usernames({ username: 'carol' })).toEqual(['carol'])
      expect(await usernames({ username_Icontains: 'XZ' })).toEqual(['qxzed_archived', 'QXzara'])
      expect(await usernames({ username_Icontains: 'ARQ' })).toEqual(['qy_arq'])
      expect(await usernames({ username_Istartswith: 'qx' })).toEqual(['qxzed_archived', 'QXzara'])
      expect(await usernames({ username_Istartswith: 'qx', isActive: false })).toEqual(['QXzara'])
      expect(await usernames({ username_Istartswith: 'q', status_Archived: true })).toEqual(['qxzed_archived'])
      expect(await usernames({ username_Istartswith: 'q', status_Verified: false })).toEqual(['QXzara'])
      expect(await usernames({ status_Verified: false })).toContain('dave')
      expect(await usernames({ status_SecondaryEmail: 'zed.two@example.com' })).toEqual(['qxzed_archived'])
      expect(await usernames({ status_SecondaryEmail: 'grace.backup@example.org' })).toEqual(['grace'])
    })

    it('cursor paging: first/after, last/before, offset; pk and id match the control API', async () => {
      const page = await api.query(USERS, { first: 2 })
      const users = page.body.data!['users'] as { pageInfo: Record<string, unknown>; edges: Array<{ cursor: string; node: { pk: number; id: string; email: string } }> }
      expect(users.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: users.edges[1]!.cursor })
      const listed = await userRecord(users.edges[0]!.node.email)
      expect(users.edges[0]!.node).toMatchObject({ pk: listed!['pk'], id: btoa(`UserNode:${listed!['pk']}`) })
      const all = await usernames({})
      expect(all.length).toBeGreaterThanOrEqual(4)
      expect(await usernames({ first: 2, after: users.pageInfo['endCursor'] })).toEqual(all.slice(2, 4))
      expect(await usernames({ last: 1, before: users.pageInfo['endCursor'] })).toEqual(all.slice(0, 1))
      expect(await usernames({ offset: 3 })).toEqual(all.slice(3))
      expect(await usernames({ offset: 1, first: 1, after: btoa('arrayconnection:0') })).toEqual(all.slice(2, 3))
      const tail = (await api.query(USERS, { first: 2, after: btoa(`arrayconnection:${all.length - 3}`) })).body.data!['users'] as { pageInfo: Record<string, unknown> }
      expect(tail.pageInfo['hasNextPage']).toBe(false)
      const back = (await api.query(USERS, { last: 2 })).body.data!['users'] as { pageInfo: Record<string, unknown> }
      expect(back.pageInfo['hasPreviousPage']).toBe(true)
      const tooMany = await api.query(USERS, { first: 101 })
      expect(tooMany.status).toBe(200)
      expect(tooMany.body.errors?.[0]?.message).toBe('Requesting 101 records on the `users` connection exceeds the `first` limit of 100 records.')
    })

    it('user(id) by global id; null for an unknown or malformed id', async () => {
      const one = await api.query(`query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id: btoa('UserNode:2') })
      expect(one.body.data?.['user']).toMatchObject({ pk: 2, username: 'bob', email: 'bob@example.com', isStaff: false })
      for (const id of [btoa('UserNode:999'), 'garbage', btoa('OtherNode:1')]) {
        expect((await api.query('query($id: ID!) { user(id: $id) { pk } }', { id })).body.data).toEqual({ user: null })
      }
    })

    it('me: the JWT from the header or the JWT cookie; null when anonymous or with a Bearer prefix; top-level errors for bad tokens', async () => {
      const user = await createUser()
      const { token } = await signIn(api, user)
      expect((await me(token)).body.data?.['me']).toMatchObject({ username: user.username, email: user.email, verified: true })
      expect((await me(undefined, { cookie: `other=1; JWT=${token}` })).body.data?.['me']).toMatchObject({ username: user.username })
      expect((await me(undefined)).body).toEqual({ data: { me: null } })
      expect((await me(undefined, { authorization: `Bearer ${token}` })).body).toEqual({ data: { me: null } })
      expect((await me('abc.def.ghi')).body.errors?.[0]?.message).toBe('Error decoding signature')
      await control.advanceClock(301_000)
      const expired = await me(token)
      expect(expired.body.errors?.[0]).toMatchObject({ message: 'Signature has expired', path: ['me'] })
      expect(expired.body.data).toEqual({ me: null })
    })
  })
})

describe('both endpoints', () => {
  it.each(FLAVOURS)('%s answers { __typename } with Query', async (flavour) => {
    const reply = await accounts(flavour).query('{ __typename }')
    expect(reply).toEqual({ status: 200, body: { data: { __typename: 'Query' } } })
  })

  it('a token from one endpoint works on the other: one surface, two schemas', async () => {
    const user = await createUser()
    const { token, refreshToken } = await signIn(accounts('classic'), user)
    expect((await accounts('relay').query('{ me { username } }', {}, { token })).body.data).toEqual({ me: { username: user.username } })
    const refreshed: Output = await accounts('relay').mutate('refreshToken', { refreshToken })
    expectSuccess(refreshed)
  })

  it('an accounts JWT and refresh token are refused by the other surfaces (tokens are bound to portcullis:accounts)', async () => {
    const { token, refreshToken } = await signIn(accounts('classic'), await createUser())
    expect(decodeJwt(token)).toMatchObject({ aud: 'portcullis:accounts' })
    const platform = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      (await fetch(`${control.base}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })).json() as Promise<{
        errors?: Array<{ extensions?: { code?: string } }>
      }>
    expect((await platform('{ userProfile { id } }', {}, { authorization: `Bearer ${token}` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect((await platform('mutation($r: String!) { newToken(refreshToken: $r) { token } }', { r: refreshToken })).errors?.[0]?.extensions?.code).toBe('INVALID_REFRESH_TOKEN')
    const otp = await fetch(`${control.base}/auth/otp/methods/totp`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' })
    expect(otp.status).toBe(401)
    const otpRefresh = await fetch(`${control.base}/auth/login/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) })
    expect(otpRefresh.status).toBeGreaterThanOrEqual(400)
    expect(otpRefresh.status).toBeLessThan(500)
    // Still good where it belongs.
    expectSuccess(await accounts('classic').mutate('refreshToken', { refreshToken }))
  })
})
