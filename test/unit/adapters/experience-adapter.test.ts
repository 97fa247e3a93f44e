/**
 * experienceApi against a scripted backend (a fetch that answers per route), for what the mock
 * does not easily show: the exact authorization request (PKCE S256, state, scopes), every way
 * the OIDC finish can go wrong (state, issuer, error callback, a hop that is not a redirect),
 * token parsing, the refresh / revocation wire and its error kinds, error mapping, and the two
 * interaction transports (the Node cookie jar, the page's `credentials: 'include'`).
 */
import { createHash } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose'
import { describe, expect, it } from 'vitest'
import type { AdapterContext, ChallengeState } from '../../../src/core/adapter'
import { AuthError } from '../../../src/core/errors'
import { experienceApi as pageExperienceApi } from '../../../src/experience/index'
import { browserInteraction } from '../../../src/experience/interaction'
import { experienceApi } from '../../../src/experience/node'
import { baseUrl, fakeJwt } from './support'

const REDIRECT_URI = 'https://app.example/callback'
type Route = (request: Request) => Response | Promise<Response> | undefined

/** A fetch answering from `routes` (first match), recording every request with its body text. */
function backend(routes: Route[]) {
  const seen: Array<{ request: Request; body: string; init: RequestInit | undefined }> = []
  const fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    seen.push({ request, body: init?.body ? String(init.body) : '', init })
    for (const route of routes) {
      const response = await route(request)
      if (response) return response
    }
    return new Response('not found', { status: 404 })
  }
  const context: AdapterContext = { baseUrl, fetch, authorizedFetch: fetch, now: () => 1_700_000_000_000 }
  return { context, seen, paths: () => seen.map((s) => `${s.request.method} ${new URL(s.request.url).pathname}`) }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const redirect = (location: string, cookies: string[] = []) => {
  const headers = new Headers({ location })
  for (const cookie of cookies) headers.append('set-cookie', cookie)
  return new Response(null, { status: 303, headers })
}
const at = (method: string, path: string, answer: (request: Request) => Response | Promise<Response>): Route => (request) =>
  request.method === method && new URL(request.url).pathname === path ? answer(request) : undefined

const access = fakeJwt({ sub: 'user-1', exp: 1_700_003_600, iat: 1_700_000_000 })

/** The scripted backend's signing key, published at discovery's `jwks_uri`. */
const keys = await generateKeyPair('ES256')
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' }
const ISSUER = `${baseUrl}/oidc`
const signId = (claims: JWTPayload, key: CryptoKey = keys.privateKey, kid = 'k1') => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(key)
const idClaims = (nonce: string): JWTPayload => ({ sub: 'user-1', email: 'u@example.com', username: 'u1', nonce, iss: ISSUER, aud: 'client-1', iat: 1_700_000_000, exp: 1_700_003_600 })
type IdToken = (nonce: string) => Promise<string> | string
const other = await generateKeyPair('ES256')

/** A backend whose interaction succeeds, ending at `callback(state)`; `idToken` signs the ID token for the request's nonce. */
function happy(callback: (state: string, request: Request) => string, extra: Route[] = [], idToken: IdToken = (nonce) => signId(idClaims(nonce))) {
  let state = ''
  let nonce = ''
  return backend([
    ...extra,
    at('GET', '/oidc/.well-known/openid-configuration', () => json({ issuer: ISSUER, jwks_uri: `${baseUrl}/oidc/jwks` })),
    at('GET', '/oidc/jwks', () => json({ keys: [jwk] })),
    at('GET', '/oidc/auth', (request) => {
      state = new URL(request.url).searchParams.get('state')!
      nonce = new URL(request.url).searchParams.get('nonce')!
      return redirect('/sign-in', ['_interaction=i1; Path=/; HttpOnly', '_interaction.sig=s1; Path=/', 'elsewhere=x; Path=/other'])
    }),
    at('PUT', '/api/experience', () => new Response(null, { status: 204 })),
    at('POST', '/api/experience/verification/password', () => json({ verificationId: 'v'.repeat(21) })),
    at('POST', '/api/experience/identification', () => new Response(null, { status: 204 })),
    at('POST', '/api/experience/submit', () => json({ redirectTo: `${baseUrl}/oidc/auth/uid1` })),
    at('GET', '/oidc/auth/uid1', () => redirect(`${baseUrl}/consent`)),
    at('GET', '/consent', (request) => redirect(callback(state, request))),
    at('POST', '/oidc/token', async () => json({ access_token: access, refresh_token: 'refresh-1', id_token: await idToken(nonce), token_type: 'Bearer', expires_in: 3600 })),
  ])
}

const api = () => experienceApi({ clientId: 'client-1', redirectUri: REDIRECT_URI })
const signIn = (b: ReturnType<typeof backend>) => api().signIn(b.context, { email: 'u@example.com', password: 'pw-secret-1' })

describe('experienceApi: the ID token is verified before it names the user', () => {
  const ok = (state: string) => `${REDIRECT_URI}?code=c&state=${state}`

  it.each<[string, IdToken, string, string?]>([
    ['another audience', (nonce) => signId({ ...idClaims(nonce), aud: 'someone-else' }), 'invalid_claims', 'aud'],
    ['another issuer', (nonce) => signId({ ...idClaims(nonce), iss: 'https://evil.example/oidc' }), 'invalid_claims', 'iss'],
    ['an expired token (on the adapter clock)', (nonce) => signId({ ...idClaims(nonce), iat: 1_699_990_000, exp: 1_699_999_000 }), 'token_expired'],
    ['a replayed nonce', () => signId(idClaims('from-another-sign-in')), 'invalid_claims', 'nonce'],
    ['a signature by another key', (nonce) => signId(idClaims(nonce), other.privateKey), 'invalid_signature'],
    ['an unsigned token', (nonce) => fakeJwt(idClaims(nonce)).replace(/^[^.]+/, Buffer.from('{"alg":"none"}').toString('base64url')), 'invalid_token'],
  ])('refuses %s', async (_what, idToken, code, claim) => {
    const error = await signIn(happy(ok, [], idToken)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code, kind: 'auth' })
    if (claim) expect((error as AuthError).details).toEqual({ [claim]: ['check_failed'] })
    expect(String((error as AuthError).message)).not.toMatch(/eyJ/)
  })

  it('downloads the keys once per adapter, and once more for a key it does not know (rotation)', async () => {
    const b = happy(ok)
    const adapter = api()
    const credentials = { email: 'u@example.com', password: 'pw-secret-1' }
    await adapter.signIn(b.context, credentials)
    await adapter.signIn(b.context, credentials)
    expect(b.paths().filter((path) => path === 'GET /oidc/jwks')).toHaveLength(1)
    const rotated = happy(ok, [], (nonce) => signId(idClaims(nonce), keys.privateKey, 'k2'))
    await expect(adapter.signIn(rotated.context, credentials)).rejects.toMatchObject({ code: 'unknown_key' })
    expect(rotated.paths().filter((path) => path === 'GET /oidc/jwks')).toHaveLength(1)
  })

  it('keys that cannot be had are jwks_unavailable; discovery naming another issuer is issuer_mismatch', async () => {
    const down = happy(ok, [at('GET', '/oidc/jwks', () => json({ error: 'server_error' }, 503))])
    await expect(signIn(down)).rejects.toMatchObject({ code: 'jwks_unavailable', kind: 'server' })
    const elsewhere = happy(ok, [at('GET', '/oidc/.well-known/openid-configuration', () => json({ issuer: 'https://evil.example/oidc', jwks_uri: 'https://evil.example/jwks' }))])
    await expect(signIn(elsewhere)).rejects.toMatchObject({ code: 'issuer_mismatch', kind: 'auth' })
    expect(elsewhere.paths()).not.toContain('GET /oidc/jwks')
  })
})

describe('experienceApi: the authorization request and the finish', () => {
  it('sends PKCE S256 and a fresh state, exchanges the code with the verifier, and reads the user from the id token', async () => {
    const b = happy((state) => `${REDIRECT_URI}?code=code-1&state=${state}&iss=${encodeURIComponent(`${baseUrl}/oidc`)}`)
    const result = await signIn(b)
    expect(result).toEqual({
      type: 'session',
      tokens: { accessToken: access, refreshToken: 'refresh-1', expiresAt: 1_700_003_600_000, issuedAt: 1_700_000_000_000 },
      user: { id: 'user-1', email: 'u@example.com', username: 'u1' },
    })
    const authorize = new URL(b.seen[0]!.request.url).searchParams
    expect(Object.fromEntries(authorize)).toMatchObject({
      client_id: 'client-1',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid offline_access profile email',
      code_challenge_method: 'S256',
    })
    expect(authorize.get('nonce')).toMatch(/^[\w-]{22}$/)
    expect(b.seen[0]!.init?.redirect).toBe('manual')
    const exchange = new URLSearchParams(b.seen.find((seen) => new URL(seen.request.url).pathname === '/oidc/token')!.body)
    expect(Object.fromEntries(exchange)).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: REDIRECT_URI, client_id: 'client-1' })
    const verifier = exchange.get('code_verifier')!
    expect(verifier).toMatch(/^[\w-]{43}$/)
    expect(authorize.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('base64url'))
    // Every hop to the redirect URI is followed by hand; the redirect URI itself is never fetched.
    expect(b.paths()).toEqual([
      'GET /oidc/auth',
      'PUT /api/experience',
      'POST /api/experience/verification/password',
      'POST /api/experience/identification',
      'POST /api/experience/submit',
      'GET /oidc/auth/uid1',
      'GET /consent',
      'POST /oidc/token',
      'GET /oidc/.well-known/openid-configuration',
      'GET /oidc/jwks',
    ])
    // Two sign-ins never share a state or verifier.
    const again = happy((state) => `${REDIRECT_URI}?code=c&state=${state}`)
    await signIn(again)
    expect(new URL(again.seen[0]!.request.url).searchParams.get('state')).not.toBe(authorize.get('state'))
  })

  it('the Node jar sends the interaction cookies back by their path, and nothing else', async () => {
    const b = happy((state) => `${REDIRECT_URI}?code=c&state=${state}`)
    await signIn(b)
    const put = b.seen.find((s) => s.request.method === 'PUT')!
    expect(put.request.headers.get('cookie')).toBe('_interaction=i1; _interaction.sig=s1')
    expect(b.seen[0]!.request.headers.get('cookie')).toBeNull()
  })

  it.each([
    ['a state that is not ours', (_state: string) => `${REDIRECT_URI}?code=c&state=forged`, 'state_mismatch'],
    ['another issuer', (state: string) => `${REDIRECT_URI}?code=c&state=${state}&iss=https%3A%2F%2Fevil.example%2Foidc`, 'issuer_mismatch'],
    ['an error callback', (state: string) => `${REDIRECT_URI}?error=access_denied&state=${state}`, 'access_denied'],
    ['no code', (state: string) => `${REDIRECT_URI}?state=${state}`, 'code_missing'],
  ])('refuses %s at the callback, before any code exchange', async (_what, callback, code) => {
    const b = happy(callback)
    await expect(signIn(b)).rejects.toMatchObject({ code, kind: 'auth' })
    expect(b.paths()).not.toContain('POST /oidc/token')
  })

  it('a hop that does not redirect is an error with the OAuth code, its description never echoed', async () => {
    const b = happy((state) => `${REDIRECT_URI}?state=${state}`, [
      at('GET', '/oidc/auth/uid1', () => json({ error: 'invalid_request', error_description: 'interaction cookie <script> missing' }, 400)),
    ])
    const error = (await signIn(b).catch((e: unknown) => e)) as AuthError
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 })
    expect(error.message).not.toContain('<script>')
  })

  it('an authorization request the provider refuses (unknown client) is an error, not a sign-in page', async () => {
    const b = backend([at('GET', '/oidc/auth', () => json({ error: 'invalid_client', error_description: 'unknown client' }, 400))])
    await expect(signIn(b)).rejects.toMatchObject({ code: 'invalid_client', status: 400 })
    expect(b.paths()).toEqual(['GET /oidc/auth'])
  })

  it('a token answer without access_token is bad_response; an opaque token takes expires_in on the adapter clock', async () => {
    const bad = happy((state) => `${REDIRECT_URI}?code=c&state=${state}`, [at('POST', '/oidc/token', () => json({ token_type: 'Bearer' }))])
    await expect(signIn(bad)).rejects.toMatchObject({ code: 'bad_response', kind: 'server' })
    const opaque = happy((state) => `${REDIRECT_URI}?code=c&state=${state}`, [at('POST', '/oidc/token', () => json({ access_token: 'opaque', expires_in: 60, token_type: 'Bearer' }))])
    expect(await signIn(opaque)).toMatchObject({ type: 'session', tokens: { accessToken: 'opaque', refreshToken: null, expiresAt: 1_700_000_060_000 }, user: { id: null } })
  })
})

describe('experienceApi: errors and input', () => {
  it('maps the backend codes: invalid_credentials; others keep their dotted code and their data as details', async () => {
    const wrong = happy(() => '', [at('POST', '/api/experience/verification/password', () => json({ code: 'session.invalid_credentials', message: 'Wrong identifier or password.' }, 422))])
    const error = (await signIn(wrong).catch((e: unknown) => e)) as AuthError
    expect(error).toMatchObject({ code: 'invalid_credentials', kind: 'auth', status: 422, message: 'Wrong identifier or password.' })
    expect(JSON.stringify(error)).not.toContain('pw-secret-1')

    const sso = happy(() => '', [at('POST', '/api/experience/identification', () => json({ code: 'session.sso_enabled', message: 'SSO is enabled.', data: { ssoConnectors: [] } }, 422))])
    await expect(signIn(sso)).rejects.toMatchObject({ code: 'session.sso_enabled', kind: 'validation', status: 422 })
    const limited = happy(() => '', [at('POST', '/api/experience/verification/password', () => json({ code: 'session.verification_blocked_too_many_attempts', message: 'Too many attempts.' }, 400, { 'retry-after': '30' }))])
    await expect(signIn(limited)).rejects.toMatchObject({ code: 'rate_limited', kind: 'rate_limit', retryAfterMs: 30_000 })
  })

  it('what the backend still wants becomes a typed step, with its data', async () => {
    const missing = happy(() => '', [at('POST', '/api/experience/submit', () => json({ code: 'user.missing_profile', message: 'Missing.', data: { missingProfile: ['username', 'password'] } }, 422))])
    const result = await signIn(missing)
    expect(result).toMatchObject({ type: 'challenge', challenge: { adapter: 'experience', kind: 'missing_profile', methods: [], data: { missing: 'username password', event: 'SignIn' } } })
    const mfa = happy(() => '', [at('POST', '/api/experience/submit', () => json({ code: 'session.mfa.require_mfa_verification', message: 'MFA.', data: { availableFactors: ['Totp', 'BackupCode'] } }, 403))])
    expect(await signIn(mfa)).toMatchObject({ type: 'challenge', challenge: { kind: 'sign_in_2fa', methods: ['totp', 'backup_code'] } })
  })

  it('a challenge keeps no password, and its saved interaction (the jar) continues where it stopped', async () => {
    const b = happy(() => '', [at('POST', '/api/experience/submit', () => json({ code: 'session.mfa.require_mfa_verification', message: 'MFA.', data: { availableFactors: ['Totp'] } }, 403))])
    const result = await signIn(b)
    if (result.type !== 'challenge') throw new Error('expected a challenge')
    const state: ChallengeState = JSON.parse(JSON.stringify(result.challenge))
    expect(JSON.stringify(state)).not.toContain('pw-secret-1')
    const later = backend([at('POST', '/api/experience/verification/totp/verify', () => json({ code: 'session.mfa.invalid_totp_code', message: 'Invalid code.' }, 400))])
    await expect(api().verifyChallenge(later.context, state, '123456')).rejects.toMatchObject({ code: 'invalid_code', kind: 'challenge' })
    expect(later.seen[0]!.request.headers.get('cookie')).toBe('_interaction=i1; _interaction.sig=s1')
    expect(JSON.parse(later.seen[0]!.body)).toEqual({ code: '123456' })
  })

  it('a username alone is not a passwordless sign-in; a bad WebAuthn answer is refused before any call', async () => {
    const b = happy(() => '')
    await expect(api().signIn(b.context, { username: 'u1' } as never)).rejects.toMatchObject({ code: 'password_required', kind: 'validation' })
    const state: ChallengeState = { adapter: 'experience', kind: 'sign_in_2fa', methods: ['webauthn'], expiresAt: null, attemptsLeft: null, data: { event: 'SignIn', verifier: 'v', state: 's', jar: null } }
    const none = backend([])
    await expect(api().verifyChallenge(none.context, state, { response: {} })).rejects.toMatchObject({ code: 'invalid_credential', kind: 'validation' })
    await expect(api().verifyChallenge(none.context, state, '  ')).rejects.toMatchObject({ code: 'invalid_code', kind: 'validation' })
    expect(none.seen).toEqual([])
  })
})

describe('experienceApi: refresh and sign-out', () => {
  const current = { accessToken: access, refreshToken: 'refresh-1', expiresAt: 0 }

  it('refresh: the refresh_token grant; a rotated token replaces the old one, none keeps it', async () => {
    const rotated = backend([at('POST', '/oidc/token', () => json({ access_token: access, refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 3600 }))])
    expect(await api().refresh(rotated.context, current)).toMatchObject({ accessToken: access, refreshToken: 'refresh-2' })
    expect(Object.fromEntries(new URLSearchParams(rotated.seen[0]!.body))).toEqual({ client_id: 'client-1', grant_type: 'refresh_token', refresh_token: 'refresh-1' })
    const kept = backend([at('POST', '/oidc/token', () => json({ access_token: access, token_type: 'Bearer', expires_in: 3600 }))])
    expect(await api().refresh(kept.context, current)).toMatchObject({ refreshToken: 'refresh-1' })
  })

  it.each([
    [{ error: 'invalid_grant', error_description: 'the refresh token was already used; its session is revoked' }, 400, 'refresh_token_reused', 'auth'],
    [{ error: 'invalid_grant', error_description: 'expired' }, 400, 'invalid_grant', 'auth'],
    [{ error: 'invalid_request', error_description: 'malformed' }, 400, 'invalid_request', 'validation'],
    [{ error: 'server_error', error_description: 'down' }, 503, 'server_error', 'server'],
  ])('refresh refused with %j (%i): code %s, kind %s (only auth ends the session)', async (body, status, code, kind) => {
    const b = backend([at('POST', '/oidc/token', () => json(body, status))])
    const error = (await api().refresh(b.context, current).catch((e: unknown) => e)) as AuthError
    expect(error).toMatchObject({ code, kind })
    expect(JSON.stringify(error)).not.toContain('refresh-1')
  })

  it('signOut revokes the refresh token (RFC 7009) and rejects when the server could not be told', async () => {
    const ok = backend([at('POST', '/oidc/token/revocation', () => new Response(null, { status: 200 }))])
    await api().signOut(ok.context, current)
    expect(Object.fromEntries(new URLSearchParams(ok.seen[0]!.body))).toEqual({ client_id: 'client-1', token: 'refresh-1', token_type_hint: 'refresh_token' })
    const down = backend([at('POST', '/oidc/token/revocation', () => json({ error: 'server_error', error_description: 'x' }, 503))])
    await expect(api().signOut(down.context, current)).rejects.toMatchObject({ kind: 'server' })
    const offline = backend([() => Promise.reject(new TypeError('fetch failed'))])
    await expect(api().signOut(offline.context, current)).rejects.toMatchObject({ code: 'network_error', kind: 'network' })
  })
})

describe('experienceApi in a page', () => {
  it('sends credentials: include and lets the browser follow to the callback (read from response.url)', async () => {
    const calls: RequestInit[] = []
    const pageFetch = async (input: Request | string | URL, init?: RequestInit) => {
      calls.push(init ?? {})
      const response = new Response('<!doctype html>', { status: 200 })
      Object.defineProperty(response, 'url', { value: `${REDIRECT_URI}?code=c&state=s` })
      return response
    }
    const interaction = browserInteraction(pageFetch, null)
    expect((await interaction.follow(`${baseUrl}/oidc/auth/uid`, REDIRECT_URI)).searchParams.get('code')).toBe('c')
    await interaction.fetch(`${baseUrl}/api/experience`, { method: 'PUT' })
    expect(calls.map((c) => c.credentials)).toEqual(['include', 'include'])
    expect(interaction.save()).toBeNull()
    // A final URL that is not the redirect URI (e.g. the sign-in page again) is an error.
    const lost = browserInteraction(async () => Object.defineProperty(new Response(''), 'url', { value: `${baseUrl}/sign-in` }), null)
    await expect(lost.follow(`${baseUrl}/oidc/auth/uid`, REDIRECT_URI)).rejects.toMatchObject({ code: 'callback_not_reached' })
    expect(pageExperienceApi({ clientId: 'c', redirectUri: REDIRECT_URI }).name).toBe('experience')
  })
})
