/**
 * platformApi() on its own: the wire format it sends (plain fetch, generated document strings),
 * how it reads `{ data, errors }`, and how every failure becomes an AuthError without secrets.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../../../src/core/errors'
import { platformApi } from '../../../src/platform'
import { baseUrl, context, fakeJwt } from './support'

interface Body {
  query: string
  operationName?: string
  variables: Record<string, unknown>
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const exp = 2_000_000_000
const token = fakeJwt({ sub: 'u-1', iat: exp - 3600, exp })

/** Answers each operation from `answers`, recording what was sent. */
function graphql(answers: Record<string, (body: Body, request: Request) => unknown>): Body[] {
  const seen: Body[] = []
  server.use(
    http.post(`${baseUrl}/api/graphql`, async ({ request }) => {
      const body = (await request.clone().json()) as Body
      seen.push(body)
      const answer = answers[body.operationName ?? '']
      if (!answer) return HttpResponse.json({ errors: [{ message: 'unexpected' }] }, { status: 400 })
      return HttpResponse.json(answer(body, request) as Record<string, unknown>)
    }),
  )
  return seen
}

const secretsIn = (error: unknown) => JSON.stringify(error) + String((error as Error).message)

describe('platformApi()', () => {
  it('signs in without 2FA with the Login document and reads exp/iat from the token', async () => {
    const seen = graphql({ Login: () => ({ data: { login: { token, refreshToken: 'r-1', promptTwoFactorAuth: false, userId: 'u-1' } } }) })
    const result = await platformApi({ deviceId: 'dev-1' }).signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' })
    expect(result).toEqual({
      type: 'session',
      tokens: { accessToken: token, refreshToken: 'r-1', expiresAt: exp * 1000, issuedAt: (exp - 3600) * 1000, refreshExpiresAt: expect.any(Number) },
      user: { id: 'u-1', email: 'ada@example.com', username: null },
    })
    expect(seen[0]).toMatchObject({ operationName: 'Login', query: expect.stringMatching(/^mutation Login\(\$credentials:LoginCredentials!\)/) })
    expect(seen[0]?.variables).toEqual({ credentials: { email: 'ada@example.com', password: 'pw-secret-1', deviceInfo: { deviceId: 'dev-1' } } })
  })

  it('turns promptTwoFactorAuth into a sign_in_2fa challenge that holds no password', async () => {
    graphql({ Login: () => ({ data: { login: { token: null, refreshToken: null, promptTwoFactorAuth: true, userId: 'u-1', sessionId: 's-1' } } }) })
    const before = Date.now()
    const result = await platformApi({ codeTtlMs: 600_000 }).signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' })
    expect(result.type).toBe('challenge')
    if (result.type !== 'challenge') return
    expect(result.challenge).toMatchObject({
      adapter: 'platform',
      kind: 'sign_in_2fa',
      methods: ['email_code'],
      attemptsLeft: null,
      data: { sessionId: 's-1', email: 'ada@example.com', userId: 'u-1' },
    })
    expect(result.challenge.expiresAt).toBeGreaterThanOrEqual(before + 600_000)
    expect(JSON.stringify(result.challenge)).not.toContain('pw-secret-1')
  })

  it('confirms the code with confirm2Fa; a wrong code is a challenge error with attemptsLeft', async () => {
    const state = { adapter: 'platform', kind: 'sign_in_2fa' as const, methods: ['email_code' as const], expiresAt: null, attemptsLeft: null, data: { sessionId: 's-1', email: 'ada@example.com', userId: 'u-1' } }
    const seen = graphql({
      Confirm2Fa: ({ variables }) =>
        variables['code'] === '123456'
          ? { data: { confirm2Fa: { token, refreshToken: 'r-1', userId: 'u-1' } } }
          : { data: { confirm2Fa: null }, errors: [{ message: 'The code is incorrect.', extensions: { code: 'INVALID_CODE', attemptsLeft: 4 } }] },
    })
    const adapter = platformApi()
    const error = await adapter.verifyChallenge(context(), state, '000000').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'challenge', code: 'invalid_code', attemptsLeft: 4, message: 'The platform API refused the request (invalid_code).' })
    expect(secretsIn(error)).not.toContain('000000')
    const ok = await adapter.verifyChallenge(context(), state, '123456')
    expect(ok).toMatchObject({ type: 'session', tokens: { accessToken: token, refreshToken: 'r-1' }, user: { id: 'u-1', email: 'ada@example.com' } })
    expect(seen.map((b) => b.variables)).toEqual([
      { code: '000000', sessionId: 's-1', email: 'ada@example.com' },
      { code: '123456', sessionId: 's-1', email: 'ada@example.com' },
    ])
  })

  it('resends with resend2Fa and keeps a re-issued sessionId', async () => {
    graphql({ Resend2Fa: () => ({ data: { resend2Fa: { status: 200, sessionId: 's-2', twoFactorAuth: true } } }) })
    const state = { adapter: 'platform', kind: 'sign_in_2fa' as const, methods: ['email_code' as const], expiresAt: null, attemptsLeft: 1, data: { sessionId: 's-1', email: 'ada@example.com', userId: 'u-1' } }
    const next = await platformApi().resendChallenge(context(), state)
    expect(next).toMatchObject({ kind: 'sign_in_2fa', attemptsLeft: null, data: { sessionId: 's-2', email: 'ada@example.com', userId: 'u-1' } })
  })

  it('refreshes with newToken, keeping the old refresh token when none comes back', async () => {
    const seen = graphql({ NewToken: () => ({ data: { newToken: { token, refreshToken: null } } }) })
    const tokens = await platformApi().refresh(context(), { accessToken: 'old', refreshToken: 'r-1', expiresAt: 0 })
    expect(tokens).toEqual({ accessToken: token, refreshToken: 'r-1', expiresAt: exp * 1000, issuedAt: (exp - 3600) * 1000, refreshExpiresAt: null })
    expect(seen[0]?.variables).toEqual({ refreshToken: 'r-1' })
  })

  it.each([
    ['INVALID_REFRESH_TOKEN', 'invalid_refresh_token'],
    ['REFRESH_TOKEN_REUSED', 'refresh_token_reused'],
  ])('a rejected refresh token (%s) is kind auth', async (wire, code) => {
    graphql({ NewToken: () => ({ data: { newToken: null }, errors: [{ message: 'no', extensions: { code: wire } }] }) })
    const error = await platformApi().refresh(context(), { accessToken: 'old', refreshToken: 'r-secret', expiresAt: 0 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'auth', code, retryable: false })
    expect(secretsIn(error)).not.toContain('r-secret')
  })

  it('maps invalid credentials, network failures, server errors and non-JSON answers', async () => {
    graphql({ Login: () => ({ data: { login: null }, errors: [{ message: 'The email/username or password is incorrect.', extensions: { code: 'INVALID_CREDENTIALS' } }] }) })
    const adapter = platformApi()
    const credentials = { email: 'ada@example.com', password: 'pw-secret-1' }
    await expect(adapter.signIn(context(), credentials)).rejects.toMatchObject({ kind: 'auth', code: 'invalid_credentials' })

    server.use(http.post(`${baseUrl}/api/graphql`, () => HttpResponse.error()))
    const network = await adapter.signIn(context(), credentials).catch((e: unknown) => e)
    expect(network).toMatchObject({ kind: 'network', code: 'network_error', retryable: true })
    expect(secretsIn(network)).not.toContain('pw-secret-1')

    server.use(http.post(`${baseUrl}/api/graphql`, () => new HttpResponse('<html>bad gateway</html>', { status: 502 })))
    await expect(adapter.signIn(context(), credentials)).rejects.toMatchObject({ kind: 'server', status: 502, retryable: true })

    server.use(
      http.post(`${baseUrl}/api/graphql`, () =>
        HttpResponse.json({ errors: [{ message: 'Too many attempts.', extensions: { code: 'RATE_LIMITED' } }] }, { status: 429, headers: { 'Retry-After': '3' } }),
      ),
    )
    await expect(adapter.signIn(context(), credentials)).rejects.toMatchObject({ kind: 'rate_limit', code: 'rate_limited', retryAfterMs: 3_000 })
  })

  it('never repeats a server message that may quote the input (graphql-js variable errors)', async () => {
    graphql({
      Login: () => ({ errors: [{ message: 'Variable "$credentials" got invalid value { password: "pw-secret-1" }', extensions: { code: 'BAD_USER_INPUT' } }] }),
    })
    const error = await platformApi().signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'validation', code: 'bad_user_input' })
    expect(secretsIn(error)).not.toContain('pw-secret-1')
  })

  it('never repeats the message of a known code either: a server that quotes a secret there leaks nothing', async () => {
    graphql({
      Login: () => ({ errors: [{ message: 'Wrong password pw-secret-1 for ada@example.com', extensions: { code: 'INVALID_CREDENTIALS' } }] }),
    })
    const error = await platformApi().signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' })
    expect(secretsIn(error)).not.toContain('pw-secret-1')
  })

  it('signs out with logout and the bearer token', async () => {
    let authorization: string | null = null
    graphql({
      Logout: (_body, request) => {
        authorization = request.headers.get('authorization')
        return { data: { logout: { status: 200 } } }
      },
    })
    await platformApi().signOut(context(), { accessToken: token, refreshToken: 'r-1', expiresAt: null })
    expect(authorization).toBe(`Bearer ${token}`)
  })

  it('recognises a rejected token: 401, or a GraphQL UNAUTHENTICATED error', async () => {
    const adapter = platformApi()
    const verdict = (response: Response) => adapter.isUnauthorized!(response, () => {})
    const unauthorized = HttpResponse.json({ data: null, errors: [{ message: 'x', extensions: { code: 'UNAUTHENTICATED' } }] })
    expect(await verdict(unauthorized)).toBe(true)
    expect(await verdict(new Response(null, { status: 401 }))).toBe(true)
    expect(await verdict(HttpResponse.json({ data: { userProfile: null } }))).toBe(false)
    expect(await verdict(HttpResponse.json({ errors: [{ message: 'x', extensions: { code: 'INVALID_CODE' } }] }))).toBe(false)
    // The word inside other text is not a rejection (only the whole quoted code is looked for).
    expect(await verdict(HttpResponse.json({ data: { note: 'was UNAUTHENTICATED before' } }))).toBe(false)
    expect(await verdict(new Response('plain', { status: 200 }))).toBe(false)
  })

  it('reads a GraphQL body once, never cloning it, and hands on an unread copy', async () => {
    const adapter = platformApi()
    const body = { data: { userProfile: { id: '1' } } }
    const response = HttpResponse.json(body, { status: 200, headers: { 'x-trace': 't-1' } })
    const clone = vi.spyOn(response, 'clone')
    const handedOn: Response[] = []
    expect(await adapter.isUnauthorized!(response, (copy) => handedOn.push(copy))).toBe(false)
    expect(clone).not.toHaveBeenCalled()
    expect(response.bodyUsed).toBe(true)
    expect(handedOn).toHaveLength(1)
    const copy = handedOn[0]!
    expect(copy.bodyUsed).toBe(false)
    expect(copy.status).toBe(200)
    expect(copy.headers.get('x-trace')).toBe('t-1')
    expect(await copy.json()).toEqual(body)
  })

  it('changes the password with a change_password_2fa step-up completed by confirmChangePassword2Fa', async () => {
    const seen = graphql({
      ChangePassword: () => ({ data: { changePassword: { promptTwoFactorAuth: true, token: null } } }),
      ResendChangePassword2Fa: () => ({ data: { resendChangePassword2Fa: { status: 200, sessionId: null } } }),
      ConfirmChangePassword2Fa: () => ({ data: { confirmChangePassword2Fa: { token, refreshToken: 'r-2' } } }),
    })
    const adapter = platformApi()
    const started = await adapter.changePassword(context(), { oldPassword: 'old-pw-1', newPassword: 'new-pw-2' })
    expect(started.type).toBe('challenge')
    if (started.type !== 'challenge') return
    expect(started.challenge).toMatchObject({ kind: 'change_password_2fa', methods: ['email_code'], data: {} })
    expect(JSON.stringify(started)).not.toMatch(/old-pw-1|new-pw-2/)
    const resent = await adapter.resendChallenge(context(), started.challenge)
    const done = await adapter.verifyChallenge(context(), resent, '654321')
    expect(done).toEqual({ type: 'done', tokens: expect.objectContaining({ accessToken: token, refreshToken: 'r-2' }) })
    expect(seen.map((b) => b.operationName)).toEqual(['ChangePassword', 'ResendChangePassword2Fa', 'ConfirmChangePassword2Fa'])
  })
})
