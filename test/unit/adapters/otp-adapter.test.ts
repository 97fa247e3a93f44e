/**
 * otpApi() on its own: login/refresh over plain fetch, error mapping, and the `x-otp` step-up
 * detection against the error bodies schema/openapi/otp.yaml defines.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../../../src/core/errors'
import { otpApi, type OtpCredentials } from '../../../src/otp'
import { baseUrl, context, fakeJwt } from './support'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const exp = 2_000_000_000
const idToken = fakeJwt({ sub: 'u-9', iat: exp - 900, exp })
const secretsIn = (error: unknown) => JSON.stringify(error) + String((error as Error).message)

describe('otpApi()', () => {
  it('signs in with POST /auth/login and takes the user id from the token', async () => {
    let sent: unknown
    server.use(
      http.post(`${baseUrl}/auth/login`, async ({ request }) => {
        sent = await request.json()
        return HttpResponse.json({ idToken, refreshToken: 'rt-1' })
      }),
    )
    const result = await otpApi().signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' })
    expect(sent).toEqual({ email: 'ada@example.com', password: 'pw-secret-1' })
    expect(result).toEqual({
      type: 'session',
      tokens: { accessToken: idToken, refreshToken: 'rt-1', expiresAt: exp * 1000, issuedAt: (exp - 900) * 1000, refreshExpiresAt: null },
      user: { id: 'u-9', email: 'ada@example.com' },
    })
  })

  it('never repeats the message of a known code: a server that quotes a secret there leaks nothing', async () => {
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => HttpResponse.json({ message: 'Refresh token rt-secret-9 was already used', code: 'refresh_token_reused' }, { status: 403 })))
    const error = await otpApi().refresh(context(), { accessToken: 'a', refreshToken: 'rt-secret-9', expiresAt: 0 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'auth', code: 'refresh_token_reused' })
    expect(secretsIn(error)).not.toContain('rt-secret-9')
  })

  it('rejects wrong credentials as invalid_credentials (kind auth) and a username-only sign-in as validation', async () => {
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ message: 'Authentication error', code: 'authentication_error' }, { status: 403 })))
    const error = await otpApi().signIn(context(), { email: 'ada@example.com', password: 'pw-secret-1' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials', status: 403 })
    expect(secretsIn(error)).not.toContain('pw-secret-1')
    await expect(otpApi().signIn(context(), { username: 'ada', password: 'x' } as unknown as OtpCredentials)).rejects.toMatchObject({ kind: 'validation', code: 'email_required' })
  })

  it('refreshes, storing a rotated refresh token when the answer has one', async () => {
    const rotated = { idToken, refreshToken: 'rt-2' }
    server.use(
      http.post(`${baseUrl}/auth/login/refresh`, async ({ request }) => {
        const { refreshToken } = (await request.json()) as { refreshToken: string }
        return HttpResponse.json(refreshToken === 'rt-1' ? rotated : { idToken })
      }),
    )
    const adapter = otpApi()
    expect(await adapter.refresh(context(), { accessToken: 'a', refreshToken: 'rt-1', expiresAt: 0 })).toMatchObject({ accessToken: idToken, refreshToken: 'rt-2' })
    expect(await adapter.refresh(context(), { accessToken: 'a', refreshToken: 'rt-7', expiresAt: 0 })).toMatchObject({ accessToken: idToken, refreshToken: 'rt-7' })
  })

  it('maps refresh failures: 403 invalid_refresh_token and refresh_token_reused are auth, 500 is server, a dropped connection is network', async () => {
    const adapter = otpApi()
    const tokens = { accessToken: 'a', refreshToken: 'rt-secret', expiresAt: 0 }
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => HttpResponse.json({ message: 'Invalid refresh token', code: 'invalid_refresh_token' }, { status: 403 })))
    const auth = await adapter.refresh(context(), tokens).catch((e: unknown) => e)
    expect(auth).toMatchObject({ kind: 'auth', code: 'invalid_refresh_token', retryable: false })
    expect(secretsIn(auth)).not.toContain('rt-secret')
    // A replay keeps its own code: the core reads it as a `token_reused` sign-out.
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => HttpResponse.json({ message: 'Invalid refresh token', code: 'refresh_token_reused' }, { status: 403 })))
    await expect(adapter.refresh(context(), tokens)).rejects.toMatchObject({ kind: 'auth', code: 'refresh_token_reused', message: 'The otp API refused the request (refresh_token_reused).', retryable: false })
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => HttpResponse.json({ message: 'Internal error', code: 'internal_error' }, { status: 500 })))
    await expect(adapter.refresh(context(), tokens)).rejects.toMatchObject({ kind: 'server', retryable: true })
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => HttpResponse.error()))
    await expect(adapter.refresh(context(), tokens)).rejects.toMatchObject({ kind: 'network', code: 'network_error' })
  })

  it('signs out locally without a request (the API has no logout)', async () => {
    await expect(otpApi().signOut(context(), { accessToken: 'a', refreshToken: 'r', expiresAt: null })).resolves.toBe(false)
  })

  describe('step-up', () => {
    const missing = () =>
      HttpResponse.json({ message: 'Invalid request', code: 'validation_error', details: [{ path: 'header.x-otp', message: 'is required' }] }, { status: 400 })
    const wrong = () => HttpResponse.json({ message: 'OTP is not valid', code: 'otp_invalid' }, { status: 401 })

    it('recognises a missing x-otp on DELETE /auth/otp/methods/totp as a totp step-up', async () => {
      const request = new Request(`${baseUrl}/auth/otp/methods/totp`, { method: 'DELETE' })
      const state = await otpApi().detectStepUp!(context(), request, missing())
      expect(state).toEqual({
        adapter: 'otp',
        kind: 'step_up',
        methods: ['totp'],
        expiresAt: null,
        attemptsLeft: null,
        data: { method: 'DELETE', path: '/auth/otp/methods/totp' },
      })
    })

    it('picks the method from the channel of POST /auth/otp/code, and also reacts to a wrong code', async () => {
      const adapter = otpApi()
      const post = (channel: string) => new Request(`${baseUrl}/auth/otp/code`, { method: 'POST', body: JSON.stringify({ channel }), headers: { 'content-type': 'application/json' } })
      expect((await adapter.detectStepUp!(context(), post('SMS'), missing()))?.methods).toEqual(['sms_code'])
      expect((await adapter.detectStepUp!(context(), post('TOTP'), wrong()))?.methods).toEqual(['totp'])
      const other = new Request(`${baseUrl}/auth/other`, { method: 'POST' })
      expect((await adapter.detectStepUp!(context(), other, missing()))?.methods).toEqual(['totp', 'email_code', 'sms_code'])
    })

    it('ignores other errors and answers', async () => {
      const adapter = otpApi()
      const request = new Request(`${baseUrl}/auth/otp/methods/totp`, { method: 'DELETE' })
      const notConfigured = HttpResponse.json({ message: "User doesn't have a secret configured", code: 'totp_not_configured' }, { status: 400 })
      const unauthenticated = HttpResponse.json({ message: 'no', code: 'unauthenticated' }, { status: 401 })
      const bodyIssue = HttpResponse.json({ message: 'bad', code: 'validation_error', details: [{ path: 'body.channel', message: 'x' }] }, { status: 400 })
      for (const response of [notConfigured, unauthenticated, bodyIssue, HttpResponse.json({ ok: true })]) {
        expect(await adapter.detectStepUp!(context(), request, response)).toBeNull()
      }
    })

    it('sends the code as x-otp and has an email code sent on resend', async () => {
      const adapter = otpApi()
      expect(adapter.stepUpHeaders!({} as never, '123456')).toEqual({ 'x-otp': '123456' })
      let authorization: string | null = null
      server.use(
        http.get(`${baseUrl}/auth/otp/code`, ({ request }) => {
          authorization = request.headers.get('authorization')
          expect(new URL(request.url).searchParams.get('method')).toBe('EMAIL')
          return HttpResponse.json({ validUntil: '2030-01-01T00:05:00.000Z', channel: 'EMAIL', validated: false })
        }),
      )
      const state = { adapter: 'otp', kind: 'step_up' as const, methods: ['totp' as const, 'email_code' as const], expiresAt: null, attemptsLeft: 2, data: {} }
      const next = await adapter.resendChallenge(context('tok-1'), state)
      expect(next).toMatchObject({ expiresAt: Date.parse('2030-01-01T00:05:00.000Z'), attemptsLeft: null })
      expect(authorization).toBe('Bearer tok-1')
      for (const methods of [['totp' as const], ['sms_code' as const]]) {
        const nothingToSend = { ...state, methods }
        expect(await adapter.resendChallenge(context(), nothingToSend)).toBe(nothingToSend)
      }
    })

    it('maps exhausted code requests to rate_limit', async () => {
      server.use(
        http.get(`${baseUrl}/auth/otp/code`, () =>
          HttpResponse.json(
            { message: 'The user has exhausted its available attempts and must wait before requesting another', code: 'otp_attempts_exhausted' },
            { status: 429, headers: { 'retry-after': '42' } },
          ),
        ),
      )
      const state = { adapter: 'otp', kind: 'step_up' as const, methods: ['email_code' as const], expiresAt: null, attemptsLeft: null, data: {} }
      const error = await otpApi().resendChallenge(context(), state).catch((e: unknown) => e)
      expect(error).toMatchObject({ kind: 'rate_limit', code: 'otp_attempts_exhausted', retryable: true, retryAfterMs: 42_000 })
      expect((error as AuthError).toJSON()).toMatchObject({ retryAfterMs: 42_000 })
    })
  })

  it('treats 401 as a rejected token unless it is a wrong step-up code', async () => {
    const adapter = otpApi()
    expect(await adapter.isUnauthorized!(HttpResponse.json({ message: 'x', code: 'unauthenticated' }, { status: 401 }), () => {})).toBe(true)
    expect(await adapter.isUnauthorized!(new Response(null, { status: 401 }), () => {})).toBe(true)
    expect(await adapter.isUnauthorized!(HttpResponse.json({ message: 'OTP is not valid', code: 'otp_invalid' }, { status: 401 }), () => {})).toBe(false)
    expect(await adapter.isUnauthorized!(HttpResponse.json({ message: 'Authentication error', code: 'authentication_error' }, { status: 403 }), () => {})).toBe(false)
  })
})
