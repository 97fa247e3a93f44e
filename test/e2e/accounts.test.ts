/**
 * The accounts surface end to end against the standalone `portcullis-mock` process over real
 * HTTP: a user registers, the activation token is read from /__mock/outbox, the account is
 * verified, AuthClient + accountsApi() signs in, refreshes once /__mock/clock is past the 5-minute
 * JWT, changes the password and signs out, after which the old refresh token is refused. The same
 * run over the relay endpoint, and the banner and JWT cookie as a browser would send it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { accountsApi, changePassword, createAccountsClient, createAccountsRelayClient, MeDocument, register, verifyAccount } from '../../src/accounts'
import { AuthClient, memoryStorage } from '../../src/index'
import { verifyAccessToken } from '../../src/server'
import { controlClient, type ControlClient } from '../support/control'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'

let mock: SpawnedMock
let control: ControlClient

beforeAll(async () => {
  mock = await spawnMock()
  control = controlClient(mock.url)
}, 30_000)
afterAll(async () => {
  await mock?.stop()
})
beforeEach(() => control.reset())

async function post(path: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  expect(response.status).toBe(200)
  return (await response.json()) as { data: Record<string, any>; errors?: Array<{ message: string }> }
}

describe.each([
  { flavour: 'classic', relay: false, path: '/graphql', refresh: 'mutation($r: String!) { refreshToken(refreshToken: $r) { success errors } }', vars: (r: string) => ({ r }) },
  {
    flavour: 'relay',
    relay: true,
    path: '/graphql/relay',
    refresh: 'mutation($r: RefreshTokenInput!) { refreshToken(input: $r) { success errors clientMutationId } }',
    vars: (r: string) => ({ r: { refreshToken: r, clientMutationId: 'e2e' } }),
  },
])('e2e: accounts over HTTP ($flavour)', ({ relay, path, refresh, vars }) => {
  it('register → activation token from the outbox → verify → sign in → refresh after 5 min → change password → sign out; the old refresh token is refused', async () => {
    // The client keeps tokens in memory; the test reads them only to replay them at the end.
    const storage = memoryStorage()
    const auth = new AuthClient({ baseUrl: mock.url, api: accountsApi({ relay }), storage })
    const email = `e2e.${relay ? 'relay' : 'classic'}@example.com`
    const password = 'Quiet-River-2031'

    const registered = await register(auth, { email, username: `e2e_${relay ? 'relay' : 'classic'}`, password1: password, password2: password })
    expect(registered.status).toBe('signedIn')
    await auth.signOut()

    const messages = await control.outbox({ to: email })
    expect(messages).toHaveLength(1)
    expect(messages[0]!.purpose).toBe('accounts.activation')
    expect(messages[0]!.body).toContain(`/activate/${messages[0]!.token}`)
    await verifyAccount(auth, { token: messages[0]!.token! })
    const { users } = (await (await fetch(`${mock.url}/__mock/users`)).json()) as { users: Array<{ email: string; verified: boolean }> }
    expect(users.find((u) => u.email === email)).toMatchObject({ verified: true })

    const signedIn = await auth.signIn({ email, password })
    expect(signedIn).toMatchObject({ status: 'signedIn', session: { user: { email } } })
    const typed = relay ? createAccountsRelayClient(auth) : createAccountsClient(auth)
    expect((await auth.getSession())!.expiresAt).toBeTruthy()
    const first = await auth.getAccessToken()
    // A resource server verifies the JWT through the mock's JWKS, on the mock's clock.
    const mockNow = new Date(await control.now())
    const claims = await verifyAccessToken(first!, { jwksUrl: `${mock.url}/.well-known/jwks.json`, issuer: 'https://portcullis.mock', audience: 'portcullis:accounts', currentDate: mockNow })
    expect(claims).toMatchObject({ username: `e2e_${relay ? 'relay' : 'classic'}` })
    expect((claims['exp'] as number) - (claims['origIat'] as number)).toBe(300)

    const firstRefresh = JSON.parse((await storage.getItem('portcullis.session'))!).tokens.refreshToken as string
    await control.advanceClock(5 * 60_000 + 30_000)
    // Through auth.fetch on the accounts endpoint (relay and classic share the Query type).
    const { me } = await typed.request(MeDocument)
    expect(me?.email).toBe(email)
    expect(await auth.getAccessToken()).not.toBe(first)
    const requests = await control.requests()
    expect(requests.filter((r) => r.path === path && r.operationName?.startsWith('RefreshToken'))).toEqual([expect.objectContaining({ status: 200 })])

    expect(await changePassword(auth, { oldPassword: password, newPassword1: 'Calm-Lake-2032', newPassword2: 'Calm-Lake-2032' })).toEqual({ status: 'verified' })
    const beforeSignOut = JSON.parse((await storage.getItem('portcullis.session'))!).tokens.refreshToken as string
    await auth.signOut()
    expect(await auth.getSession()).toBeNull()

    for (const old of [firstRefresh, beforeSignOut]) {
      const answer = await post(path, refresh, vars(old))
      expect(answer.data['refreshToken']).toMatchObject({ success: false, errors: { nonFieldErrors: [{ message: 'Invalid token.', code: 'invalid_token' }] } })
    }
    await expect(auth.signIn({ email, password })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(await auth.signIn({ email, password: 'Calm-Lake-2032' })).toMatchObject({ status: 'signedIn' })
  })
})

describe('e2e: accounts surface details over HTTP', () => {
  it('the banner lists both accounts endpoints and the demo users dave and grace', () => {
    const output = mock.output()
    expect(output).toContain('POST /graphql ')
    expect(output).toContain('POST /graphql/relay')
    expect(output).toMatch(/dave@example\.com +dave +unverified/)
    expect(output).toContain('grace.backup@example.org')
  })

  it('the JWT cookie authenticates like the header; another surface’s token does not', async () => {
    const login = await post('/graphql', 'mutation { tokenAuth(username: "grace", password: "portcullis-demo") { token } }', {})
    const token = login.data['tokenAuth'].token as string
    expect((await post('/graphql', '{ me { username secondaryEmail } }', {}, { cookie: `JWT=${token}` })).data).toEqual({ me: { username: 'grace', secondaryEmail: 'grace.backup@example.org' } })
    const otp = await fetch(`${mock.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'grace@example.com', password: 'portcullis-demo' }) })
    const otpToken = ((await otp.json()) as { idToken: string }).idToken
    const refused = await post('/graphql', '{ me { username } }', {}, { authorization: `JWT ${otpToken}` })
    expect(refused.errors?.[0]?.message).toBe('Invalid token')
    expect(refused.data).toEqual({ me: null })
  })

  it('dave (unverified) signs in by default, and gets not_verified once unverified logins are off', async () => {
    const auth = new AuthClient({ baseUrl: mock.url, api: accountsApi(), storage: memoryStorage() })
    expect(await auth.signIn({ username: 'dave', password: 'portcullis-demo' })).toMatchObject({ status: 'signedIn' })
    await auth.signOut()
    await control.setConfig({ accounts: { allowLoginNotVerified: false } })
    await expect(auth.signIn({ username: 'dave', password: 'portcullis-demo' })).rejects.toMatchObject({ code: 'not_verified', kind: 'auth' })
  })
})
