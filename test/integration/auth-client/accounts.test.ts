/**
 * AuthClient + accountsApi() against the in-process mock (msw), classic and relay: sign-in by
 * username or email and its typed errors, the `JWT` scheme on auth.fetch, the "Signature has
 * expired" retry path, sign-out revoking the refresh token (also with an expired JWT), the replaced
 * refresh token revoked after each refresh, every typed account flow, and the typed clients on
 * `auth`. Refresh storms, faults, races, storage and tabs run in flows.test.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import {
  accountsApi,
  archiveAccount,
  changePassword,
  createAccountsClient,
  createAccountsRelayClient,
  deleteAccount,
  MeDocument,
  register,
  removeSecondaryEmail,
  resendActivationEmail,
  resetPassword,
  sendPasswordResetEmail,
  sendSecondaryEmailActivation,
  swapEmails,
  updateAccount,
  verifyAccount,
  verifySecondaryEmail,
  type AccountsAdapter,
} from '../../../src/accounts'
import { AuthClient, AuthError, type AuthClientOptions } from '../../../src/index'
import { advanceClock, BASE, createUser, injectFault, outbox, requests, setConfig, sharedStorage, useMockBackend } from './support'

const mock = useMockBackend()
const FIVE_MINUTES = 300_000
const NEW_PASSWORD = 'Battery-Staple-42'

/** The graphql-jwt API answers a refresh/revoke with its output; these read it straight from the mock. */
async function gql(path: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  return (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string }> }
}
const refreshWith = async (refreshToken: string) =>
  (await gql('/graphql', 'mutation($r: String!) { refreshToken(refreshToken: $r) { success errors } }', { r: refreshToken })).data!['refreshToken'] as { success: boolean; errors: unknown }

describe.each([
  { flavour: 'classic', relay: false, path: '/graphql' },
  { flavour: 'relay', relay: true, path: '/graphql/relay' },
])('AuthClient + accountsApi ($flavour)', ({ relay: useRelay, path }) => {
  const client = (options: Partial<AuthClientOptions<AccountsAdapter>> = {}) =>
    new AuthClient({ baseUrl: BASE, api: accountsApi({ relay: useRelay }), now: () => mock.clock.now(), sleep: async () => {}, ...options })

  /** `me` through auth.fetch: the signed-in user's username, or null. */
  async function me(auth: AuthClient): Promise<string | null> {
    const response = await auth.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { username } }' }) })
    const body = (await response.json()) as { data?: { me: { username: string } | null }; errors?: Array<{ message: string }> }
    if (body.errors?.length) throw new Error(body.errors[0]!.message)
    return body.data?.me?.username ?? null
  }

  /** The tokens the client stored (the session never shows them). */
  const storedTokens = (storage: ReturnType<typeof sharedStorage>) => JSON.parse(storage.items.get('portcullis.session')!).tokens as { accessToken: string; refreshToken: string }

  it('signs in by username or by email, and auth.fetch sends Authorization: JWT <token>', async () => {
    const user = await createUser()
    const auth = client()
    const result = await auth.signIn({ username: user.username, password: user.password })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { username: user.username, email: user.email } } })
    if (result.status !== 'signedIn') return
    expect(result.session.expiresAt).toBeGreaterThan(mock.clock.now() + FIVE_MINUTES - 10_000)
    expect(await me(auth)).toBe(user.username)
    const seen: string[] = []
    const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? '')
      return fetch(input, init)
    })
    const spied = client({ fetch: spy })
    await spied.signIn({ email: user.email, password: user.password })
    expect(await me(spied)).toBe(user.username)
    expect(seen.at(-1)).toMatch(/^JWT eyJ/)
  })

  it('typed sign-in errors: invalid_credentials, and not_verified for an unverified account', async () => {
    const auth = client()
    await expect(auth.signIn({ username: 'alice', password: 'wrong-password' })).rejects.toMatchObject({ code: 'invalid_credentials', kind: 'auth', message: 'Please, enter valid credentials.' })
    await setConfig({ accounts: { allowLoginNotVerified: false } })
    const error = await auth.signIn({ username: 'dave', password: 'portcullis-demo' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'not_verified', kind: 'auth', message: 'Please verify your account.', details: { nonFieldErrors: ['Please verify your account.'] } })
    expect(JSON.stringify(error)).not.toContain('portcullis-demo')
    await expect(auth.signIn({ password: 'x' })).rejects.toMatchObject({ code: 'identifier_required', kind: 'validation' })
    expect(await auth.getSession()).toBeNull()
  })

  it('an expired JWT ("Signature has expired") is refreshed once and the call retried, even when the local clock does not know', async () => {
    const user = await createUser()
    const auth = new AuthClient({ baseUrl: BASE, api: accountsApi({ relay: useRelay }) })
    await auth.signIn({ username: user.username, password: user.password })
    await advanceClock(FIVE_MINUTES + 60_000)
    const refreshed = vi.fn()
    auth.on('tokenRefreshed', refreshed)
    expect(await me(auth)).toBe(user.username)
    expect(refreshed).toHaveBeenCalledTimes(1)
    const log = await requests()
    expect(log.filter((r) => r.operationName?.startsWith('RefreshToken'))).toHaveLength(1)
  })

  it('a refresh revokes the replaced refresh token; sign-out revokes the current one, also with an expired JWT', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    const first = storedTokens(storage).refreshToken
    await advanceClock(FIVE_MINUTES + 60_000)
    expect(await me(auth)).toBe(user.username)
    const second = storedTokens(storage).refreshToken
    expect(second).not.toBe(first)
    expect(await refreshWith(first)).toMatchObject({ success: false, errors: { nonFieldErrors: [{ code: 'invalid_token' }] } })

    await advanceClock(FIVE_MINUTES + 60_000)
    expect(await auth.signOut()).toEqual({ revoked: true })
    expect(storage.items.size).toBe(0)
    expect((await requests()).filter((r) => r.operationName?.startsWith('RevokeToken')).map((r) => r.status)).toEqual([200, 200])
    expect(await refreshWith(second)).toMatchObject({ success: false, errors: { nonFieldErrors: [{ code: 'invalid_token' }] } })
  })

  it('sign-out reports a server it could not reach ({ revoked: false, error }) and still clears the session', async () => {
    const auth = client()
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    await injectFault({ path, operationName: useRelay ? 'RevokeTokenRelay' : 'RevokeToken', networkError: true })
    const result = await auth.signOut()
    expect(result).toMatchObject({ revoked: false, error: { kind: 'network' } })
    expect(await auth.getSession()).toBeNull()
  })

  it('register signs the new user in; verifyAccount with the mailed token; resendActivationEmail', async () => {
    const auth = client()
    const result = await register(auth, { email: 'flow.user@example.com', username: 'flow_user', password1: NEW_PASSWORD, password2: NEW_PASSWORD })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { username: 'flow_user' } } })
    expect(await me(auth)).toBe('flow_user')
    await resendActivationEmail(auth, { email: 'flow.user@example.com' })
    const mails = await outbox('flow.user@example.com')
    expect(mails.map((m) => m.purpose)).toEqual(['accounts.activation', 'accounts.activation_resend'])
    await verifyAccount(auth, { token: mails[0]!.token! })
    await expect(verifyAccount(auth, { token: mails[1]!.token! })).rejects.toMatchObject({ code: 'already_verified', kind: 'validation' })
    await expect(verifyAccount(auth, { token: 'bogus' })).rejects.toMatchObject({ code: 'invalid_token', kind: 'auth' })

    const failed = await register(client(), { email: 'bad', username: 'flow_user', password1: 'a', password2: 'b' }).catch((e: unknown) => e)
    expect(failed).toMatchObject({ kind: 'validation', details: { email: ['Enter a valid email address.'], username: ['A user with that username already exists.'], password2: ['The two password fields didn\u2019t match.'] } })

    await setConfig({ accounts: { allowLoginNotVerified: false } })
    const quiet = client()
    expect(await register(quiet, { email: 'quiet@example.com', username: 'quiet', password1: NEW_PASSWORD, password2: NEW_PASSWORD })).toEqual({ status: 'verified' })
    expect(await quiet.getSession()).toBeNull()
  })

  it('changePassword keeps the new token pair (tokenRefreshed) and the old refresh token is refused', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    const before = storedTokens(storage)
    const refreshed = vi.fn()
    auth.on('tokenRefreshed', refreshed)
    await expect(changePassword(auth, { oldPassword: 'wrong-one', newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD })).rejects.toMatchObject({
      code: 'invalid_password',
      details: { oldPassword: ['Invalid password.'] },
    })
    expect(await changePassword(auth, { oldPassword: user.password, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD })).toEqual({ status: 'verified' })
    expect(refreshed).toHaveBeenCalledTimes(1)
    expect(storedTokens(storage).refreshToken).not.toBe(before.refreshToken)
    expect(await me(auth)).toBe(user.username)
    expect(await refreshWith(before.refreshToken)).toMatchObject({ success: false })
  })

  it('password reset by mail, to a secondary address', async () => {
    const auth = client()
    await sendPasswordResetEmail(auth, { email: 'grace.backup@example.org' })
    const [mail] = await outbox('grace.backup@example.org')
    expect(mail).toMatchObject({ purpose: 'accounts.password_reset', channel: 'email' })
    await resetPassword(auth, { token: mail!.token!, newPassword1: NEW_PASSWORD, newPassword2: NEW_PASSWORD })
    await expect(auth.signIn({ email: 'grace@example.com', password: 'portcullis-demo' })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(await auth.signIn({ email: 'grace.backup@example.org', password: NEW_PASSWORD })).toMatchObject({ status: 'signedIn' })
    await expect(sendPasswordResetEmail(auth, { email: 'dave@example.com' })).rejects.toMatchObject({ code: 'not_verified', details: { email: ['Verify your account. A new verification email was sent.'] } })
  })

  it('secondary email: send activation, verify, swap, remove; updateAccount', async () => {
    const auth = client()
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    await sendSecondaryEmailActivation(auth, { email: 'flow.second@example.com', password: user.password })
    const [mail] = await outbox('flow.second@example.com')
    await verifySecondaryEmail(auth, { token: mail!.token! })
    await swapEmails(auth, { password: user.password })
    await expect(swapEmails(auth, { password: 'wrong-one' })).rejects.toMatchObject({ code: 'invalid_password', details: { password: ['Invalid password.'] } })
    await updateAccount(auth, { firstName: 'Flo' })
    const typed = useRelay ? createAccountsRelayClient(auth) : createAccountsClient(auth)
    // Queries are the same in both schemas: the classic documents serve the relay endpoint too.
    const { me: current } = await typed.request(MeDocument)
    expect(current).toMatchObject({ email: 'flow.second@example.com', secondaryEmail: user.email, firstName: 'Flo' })
    await removeSecondaryEmail(auth, { password: user.password })
    const after = await typed.request(MeDocument)
    expect(after.me).toMatchObject({ secondaryEmail: null })
  })

  it('archiveAccount and deleteAccount sign the client out', async () => {
    const auth = client()
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    const out = vi.fn()
    auth.on('signedOut', out)
    await archiveAccount(auth, { password: user.password })
    expect(out).toHaveBeenCalledWith({ reason: 'user' })
    expect(await auth.getSession()).toBeNull()
    await auth.signIn({ username: user.username, password: user.password })
    await deleteAccount(auth, { password: user.password })
    expect(await auth.getSession()).toBeNull()
    await expect(auth.signIn({ username: user.username, password: user.password })).rejects.toMatchObject({ code: 'invalid_credentials' })
  })

  it('the typed client refreshes an expired JWT once and retries', async () => {
    const auth = client()
    const user = await createUser()
    await auth.signIn({ username: user.username, password: user.password })
    await advanceClock(FIVE_MINUTES + 60_000)
    const typed = useRelay ? createAccountsRelayClient(auth) : createAccountsClient(auth)
    const results = await Promise.all(Array.from({ length: 20 }, () => typed.request(MeDocument)))
    expect(results.every((r) => r.me?.username === user.username)).toBe(true)
    expect((await requests()).filter((r) => r.operationName?.startsWith('RefreshToken'))).toHaveLength(1)
  })

  it('the account flows have no second factor to verify', async () => {
    const auth = client()
    await expect(auth.api.verifyChallenge({} as never, {} as never, 'x')).rejects.toMatchObject({ code: 'no_challenge' })
  })
})
