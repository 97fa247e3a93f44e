/** Platform surface: enable2Fa, disable2Fa and send2Fa. */
import { describe, expect, it } from 'vitest'
import {
  Confirm2FaDocument,
  Disable2FaDocument,
  Enable2FaDocument,
  LoginDocument,
  Send2FaDocument,
  UserProfileDocument,
} from '../../../src/generated/platform/graphql'
import { createUser, expectFieldError, gql, latestCode, login, outbox, setConfig, usePlatformMock } from './helpers'

const mock = usePlatformMock()

describe('enable2Fa', () => {
  it('turns 2FA on (without a password), so the next login asks for a code', async () => {
    const user = await createUser()
    const { token } = await login(user)
    const reply = await gql(Enable2FaDocument, {}, { token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.enable2Fa).toEqual({ status: 200, sessionId: null, twoFactorAuth: true })
    expect((await gql(UserProfileDocument, undefined, { token })).body.data?.userProfile?.twoFactorAuth).toBe(true)

    const next = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
    expect(next.body.data?.login).toMatchObject({ promptTwoFactorAuth: true, token: null })
    const code = await latestCode(user.email, 'platform.login_2fa')
    const done = await gql(Confirm2FaDocument, { code, sessionId: next.body.data!.login!.sessionId!, email: user.email })
    expect(done.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('checks the password when one is given', async () => {
    const user = await createUser()
    const { token } = await login(user)
    expectFieldError(await gql(Enable2FaDocument, { password: 'wrong-password' }, { token }), 'enable2Fa', 'INVALID_CREDENTIALS')
    expect((await gql(UserProfileDocument, undefined, { token })).body.data?.userProfile?.twoFactorAuth).toBe(false)
    const ok = await gql(Enable2FaDocument, { password: user.password }, { token })
    expect(ok.body.data?.enable2Fa?.twoFactorAuth).toBe(true)
  })

  it('is idempotent and needs authentication', async () => {
    const user = await createUser({ twoFactor: true })
    expectFieldError(await gql(Enable2FaDocument, {}), 'enable2Fa', 'UNAUTHENTICATED')
    const { sessionId, code } = await (async () => {
      const started = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
      return { sessionId: started.body.data!.login!.sessionId!, code: await latestCode(user.email, 'platform.login_2fa') }
    })()
    const token = (await gql(Confirm2FaDocument, { code, sessionId, email: user.email })).body.data!.confirm2Fa!.token
    const reply = await gql(Enable2FaDocument, {}, { token })
    expect(reply.body.data?.enable2Fa).toEqual({ status: 200, sessionId: null, twoFactorAuth: true })
  })
})

describe('disable2Fa', () => {
  async function twoFactorToken(): Promise<{ email: string; password: string; token: string }> {
    const user = await createUser({ twoFactor: true })
    const started = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
    const code = await latestCode(user.email, 'platform.login_2fa')
    const done = await gql(Confirm2FaDocument, { code, sessionId: started.body.data!.login!.sessionId!, email: user.email })
    return { ...user, token: done.body.data!.confirm2Fa!.token! }
  }

  it('turns 2FA off, so the next login returns tokens at once', async () => {
    const user = await twoFactorToken()
    const reply = await gql(Disable2FaDocument, { password: user.password }, { token: user.token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.disable2Fa).toEqual({ status: 200, sessionId: null, twoFactorAuth: false })
    const next = await login(user)
    expect(next.promptTwoFactorAuth).toBe(false)
  })

  it('rejects a wrong password and keeps 2FA on', async () => {
    const user = await twoFactorToken()
    expectFieldError(await gql(Disable2FaDocument, { password: 'wrong-password' }, { token: user.token }), 'disable2Fa', 'INVALID_CREDENTIALS')
    expect((await gql(UserProfileDocument, undefined, { token: user.token })).body.data?.userProfile?.twoFactorAuth).toBe(true)
  })

  it('is a successful no-op when 2FA is already off', async () => {
    const user = await createUser()
    const { token } = await login(user)
    const reply = await gql(Disable2FaDocument, { password: user.password }, { token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.disable2Fa).toEqual({ status: 200, sessionId: null, twoFactorAuth: false })
  })

  it('needs the password: a stolen token alone cannot turn 2FA off', async () => {
    const user = await createUser()
    const { token } = await login(user)
    await gql(Enable2FaDocument, {}, { token })
    expectFieldError(await gql(Disable2FaDocument, {}, { token }), 'disable2Fa', 'BAD_USER_INPUT')
    expectFieldError(await gql(Disable2FaDocument, { password: 'not-the-password' }, { token }), 'disable2Fa', 'INVALID_CREDENTIALS')
    expect(mock.users.get(user.id)?.twoFactor).toBe(true)
  })

  it('needs authentication', async () => {
    expectFieldError(await gql(Disable2FaDocument, {}), 'disable2Fa', 'UNAUTHENTICATED')
  })
})

describe('send2Fa', () => {
  it('emails a code to the current user', async () => {
    const user = await createUser()
    const session = await login(user)
    const reply = await gql(Send2FaDocument, {}, { token: session.token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.send2Fa).toEqual({ status: 200, sessionId: session.sessionId, twoFactorAuth: false })
    const messages = await outbox(user.email)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ channel: 'email', purpose: 'platform.send_2fa', to: user.email })
    expect(messages[0]!.code).toMatch(/^\d{6}$/)
  })

  it('needs authentication, and mail', async () => {
    expectFieldError(await gql(Send2FaDocument, {}), 'send2Fa', 'UNAUTHENTICATED')
    const user = await createUser()
    const { token } = await login(user)
    await setConfig({ mailEnabled: false })
    expectFieldError(await gql(Send2FaDocument, {}, { token }), 'send2Fa', 'EMAIL_DELIVERY_FAILED')
  })
})

describe('disable2Fa with a fresh send2Fa code', () => {
  it('accepts the code mailed to this session instead of the password; wrong codes count down', async () => {
    const user = await createUser()
    const { token } = await login(user)
    await gql(Enable2FaDocument, {}, { token })
    expectFieldError(await gql(Disable2FaDocument, { code: '123456' }, { token }), 'disable2Fa', 'NO_PENDING_CHALLENGE')
    await gql(Send2FaDocument, {}, { token })
    const code = await latestCode(user.email, 'platform.send_2fa')
    const wrong = expectFieldError(await gql(Disable2FaDocument, { code: code === '000000' ? '111111' : '000000' }, { token }), 'disable2Fa', 'INVALID_CODE')
    expect(wrong.extensions?.attemptsLeft).toBe(4)
    expect(mock.users.get(user.id)?.twoFactor).toBe(true)
    const ok = await gql(Disable2FaDocument, { code }, { token })
    expect(ok.body.data?.disable2Fa).toMatchObject({ twoFactorAuth: false })
    // Spent: the same code does not work twice.
    expectFieldError(await gql(Disable2FaDocument, { code }, { token }), 'disable2Fa', 'NO_PENDING_CHALLENGE')
  })
})
