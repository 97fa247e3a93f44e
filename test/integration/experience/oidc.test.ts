import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { CLIENT_ID, formPost, pkcePair, REDIRECT_URI } from '../../support/experience-client'
import { assertMatchesExperienceSpec } from '../../support/experience-spec'
import { BASE, control, createUser, expectOk, identifiedByPassword, PASSWORD, session, useExperienceMock } from './helpers'

const mock = useExperienceMock()

async function get(path: string, headers: Record<string, string> = {}) {
  const url = `${BASE}${path}`
  return assertMatchesExperienceSpec('GET', url, await fetch(url, { redirect: 'manual', headers }))
}

async function authorizeQuery(overrides: Record<string, string | null> = {}): Promise<string> {
  const { challenge } = await pkcePair()
  const params: Record<string, string | null> = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid offline_access profile',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
  return new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null)).toString()
}

/** A signed-in user's tokens through the whole flow (MFA off); `authorize` adds request parameters. */
async function signIn(authorize?: Record<string, string>) {
  await control.setConfig({ experience: { mfa: { factors: [] } } })
  const user = await createUser(mock)
  const s = await identifiedByPassword(user, PASSWORD, authorize)
  const submitted = await s.call('POST', '/api/experience/submit')
  const callback = await s.resume(submitted.body.redirectTo)
  const tokens = await s.exchange(callback)
  expectOk(tokens)
  return { user, s, callback, tokens: tokens.body as { access_token: string; id_token: string; refresh_token: string } }
}

describe('OIDC discovery and keys', () => {
  it('names absolute endpoints on the origin called, S256 and an asymmetric id-token algorithm', async () => {
    const r = await get('/oidc/.well-known/openid-configuration')
    expectOk(r)
    expect(r.body).toMatchObject({
      issuer: `${BASE}/oidc`,
      authorization_endpoint: `${BASE}/oidc/auth`,
      token_endpoint: `${BASE}/oidc/token`,
      jwks_uri: `${BASE}/oidc/jwks`,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
      authorization_response_iss_parameter_supported: true,
    })
    const keys = await get('/oidc/jwks')
    expectOk(keys)
    expect(keys.body.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' })
  })

  it('signs the id token and the access token with a key of jwks_uri, the kid matching exactly one key', async () => {
    const { user, tokens } = await signIn()
    const jwks = (await get('/oidc/jwks')).body
    const keySet = createLocalJWKSet(jwks)
    const now = new Date(await control.now())
    const id = await jwtVerify(tokens.id_token, keySet, { issuer: `${BASE}/oidc`, audience: CLIENT_ID, currentDate: now })
    expect(id.payload.sub).toBe(user.id)
    expect(typeof id.payload.aud).toBe('string')
    expect(jwks.keys.filter((key: { kid: string }) => key.kid === id.protectedHeader.kid)).toHaveLength(1)
    const access = await jwtVerify(tokens.access_token, keySet, { currentDate: now })
    expect(access.payload.sub).toBe(user.id)
  })
})

describe('GET /oidc/auth', () => {
  it('parks the request: 303 to /sign-in and the four interaction cookies, one Set-Cookie each', async () => {
    const r = await get(`/oidc/auth?${await authorizeQuery({ prompt: 'consent' })}`)
    expect(r.status).toBe(303)
    expect(r.headers.get('location')).toBe('/sign-in')
    const names = r.headers.getSetCookie().map((line) => line.split('=')[0])
    expect(names.sort()).toEqual(['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig'])
  })

  it('never redirects for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await get(`/oidc/auth?${await authorizeQuery({ client_id: 'nope' })}`)
    expect(unknown.status).toBe(400)
    expect(unknown.body.error).toBe('invalid_client')
    const foreign = await get(`/oidc/auth?${await authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`)
    expect(foreign.status).toBe(400)
    expect(foreign.body).toMatchObject({ error: 'invalid_redirect_uri' })
    expect(foreign.headers.get('location')).toBeNull()
  })

  it.each<[Record<string, string | null>, string]>([
    [{ code_challenge: null }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ state: null }, 'invalid_request'],
    [{ scope: 'profile' }, 'invalid_scope'],
  ])('sends %j back to the registered redirect URI as error %s, with state and iss', async (overrides, error) => {
    const r = await get(`/oidc/auth?${await authorizeQuery(overrides)}`)
    expect(r.status).toBe(303)
    const location = new URL(r.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(REDIRECT_URI)
    expect(location.searchParams.get('error')).toBe(error)
    expect(location.searchParams.get('iss')).toBe(`${BASE}/oidc`)
    if (overrides.state !== null) expect(location.searchParams.get('state')).toBe('xyz')
    expect(r.headers.getSetCookie()).toHaveLength(0)
  })
})

describe('resuming at redirectTo', () => {
  it('without the cookies is a 400 and the interaction stays usable; before submit it is a 400 too', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const uid = s.cookies.get('_interaction')!
    const early = await get(`/oidc/auth/${uid}`, { cookie: s.cookieHeader() })
    expect(early.status).toBe(400)
    expect(early.body.error).toBe('invalid_request')
    const submitted = await s.call('POST', '/api/experience/submit')
    const bare = await get(new URL(submitted.body.redirectTo).pathname)
    expect(bare.status).toBe(400)
    expect(bare.body).toMatchObject({ error: 'invalid_request' })
    const callback = await s.resume(submitted.body.redirectTo)
    expect(callback.searchParams.get('code')).toBeTruthy()
    expect((await get(`/oidc/auth/${uid}`, { cookie: s.cookieHeader() })).status).toBe(404)
  })

  it("refuses another interaction's cookies", async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const submitted = await s.call('POST', '/api/experience/submit')
    const other = await session()
    const r = await get(new URL(submitted.body.redirectTo).pathname, { cookie: other.cookieHeader() })
    expect(r.status).toBe(400)
  })
})

describe('POST /oidc/token', () => {
  it('a wrong verifier is invalid_grant and does not spend the code; a used code is invalid_grant and revokes the first tokens', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const submitted = await s.call('POST', '/api/experience/submit')
    const callback = await s.resume(submitted.body.redirectTo)
    const code = callback.searchParams.get('code')!
    const base = { grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI }
    const wrong = await formPost(BASE, '/oidc/token', { ...base, code_verifier: (await pkcePair()).verifier })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error).toBe('invalid_grant')
    expect(wrong.headers.get('www-authenticate')).toBeNull()
    expect(wrong.headers.get('content-type')).toContain('application/json')
    const ok = await s.exchange(callback)
    expectOk(ok)
    const again = await s.exchange(callback)
    expect(again.body.error).toBe('invalid_grant')
    const info = await get('/oidc/me', { authorization: `Bearer ${ok.body.access_token}` })
    expect(info.status).toBe(401)
  })

  it('an authorization code lives one minute on the mock clock, and only for its redirect URI', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const callback = await s.resume((await s.call('POST', '/api/experience/submit')).body.redirectTo)
    const code = callback.searchParams.get('code')!
    const wrongUri = await formPost(BASE, '/oidc/token', { grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: 'http://localhost:5173/other', code_verifier: s.verifier })
    expect(wrongUri.body.error).toBe('invalid_grant')
    await control.advanceClock(61_000)
    expect((await s.exchange(callback)).body.error).toBe('invalid_grant')
  })

  it('unknown client → invalid_client; password grant → unsupported_grant_type; JSON body → invalid_request', async () => {
    expect((await formPost(BASE, '/oidc/token', { grant_type: 'authorization_code', client_id: 'nope', code: 'x' })).body.error).toBe('invalid_client')
    const password = await formPost(BASE, '/oidc/token', { grant_type: 'password', client_id: CLIENT_ID, username: 'a', password: 'b' })
    expect(password.status).toBe(400)
    expect(password.body.error).toBe('unsupported_grant_type')
    const url = `${BASE}/oidc/token`
    const asJson = await assertMatchesExperienceSpec('POST', url, await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))
    expect(asJson.body.error).toBe('invalid_request')
  })

  it('rotates refresh tokens; replaying a rotated one revokes the whole family', async () => {
    const { user, tokens } = await signIn()
    const first = await formPost(BASE, '/oidc/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.refresh_token })
    expectOk(first)
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token)
    expect(decodeJwt(first.body.id_token).sub).toBe(user.id)
    const info = await get('/oidc/me', { authorization: `Bearer ${first.body.access_token}` })
    expectOk(info)
    expect(info.body.sub).toBe(user.id)
    const replay = await formPost(BASE, '/oidc/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.refresh_token })
    expect(replay.body.error).toBe('invalid_grant')
    const next = await formPost(BASE, '/oidc/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: first.body.refresh_token })
    expect(next.body.error).toBe('invalid_grant')
    expect((await get('/oidc/me', { authorization: `Bearer ${first.body.access_token}` })).status).toBe(401)
  })

  it('issues no refresh token without offline_access, and expires tokens on the mock clock', async () => {
    const { tokens } = await signIn({ scope: 'openid' })
    expect(tokens.refresh_token).toBeUndefined()
    expectOk(await get('/oidc/me', { authorization: `Bearer ${tokens.access_token}` }))
    await control.advanceClock(3601_000)
    expect((await get('/oidc/me', { authorization: `Bearer ${tokens.access_token}` })).status).toBe(401)
  })

  it('echoes a nonce in the id token, and userinfo refuses another surface\'s access token', async () => {
    const { user, tokens } = await signIn({ nonce: 'n-0S6_WzA2Mj' })
    expect(decodeJwt(tokens.id_token).nonce).toBe('n-0S6_WzA2Mj')
    const login = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: PASSWORD }) })
    const { idToken } = await login.json()
    expect((await get('/oidc/me', { authorization: `Bearer ${idToken}` })).status).toBe(401)
    // …and the experience access token is no otp token either.
    const otp = await fetch(`${BASE}/auth/otp/code?method=EMAIL`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    expect(otp.status).toBe(401)
  })

  it("refuses another surface's refresh token without spending it", async () => {
    const user = await createUser(mock)
    const login = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'correct horse battery staple' }) })
    const { refreshToken } = await login.json()
    const r = await formPost(BASE, '/oidc/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: refreshToken })
    expect(r.body.error).toBe('invalid_grant')
    const still = await fetch(`${BASE}/auth/login/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) })
    expect(still.status).toBe(200)
  })
})

describe('revocation and end-session', () => {
  it('revoking the refresh token ends the session: refresh and userinfo fail', async () => {
    const { tokens } = await signIn()
    const r = await formPost(BASE, '/oidc/token/revocation', { token: tokens.refresh_token, client_id: CLIENT_ID, token_type_hint: 'refresh_token' })
    expect(r.status).toBe(200)
    expect((await formPost(BASE, '/oidc/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: tokens.refresh_token })).body.error).toBe('invalid_grant')
    expect((await get('/oidc/me', { authorization: `Bearer ${tokens.access_token}` })).status).toBe(401)
    // Unknown tokens are fine (RFC 7009); unknown clients are not.
    expect((await formPost(BASE, '/oidc/token/revocation', { token: 'garbage', client_id: CLIENT_ID })).status).toBe(200)
    expect((await formPost(BASE, '/oidc/token/revocation', { token: 'garbage', client_id: 'nope' })).body.error).toBe('invalid_client')
  })

  it('end-session with id_token_hint revokes the session and returns to the registered URI', async () => {
    const { tokens } = await signIn()
    const r = await get(`/oidc/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://localhost:5173/', state: 'bye' })}`)
    expect(r.status).toBe(303)
    expect(r.headers.get('location')).toBe('http://localhost:5173/?state=bye')
    expect((await get('/oidc/me', { authorization: `Bearer ${tokens.access_token}` })).status).toBe(401)
    const forged = await get(`/oidc/session/end?id_token_hint=${tokens.id_token.slice(0, -4)}AAAA`)
    expect(forged.status).toBe(400)
    const foreign = await get(`/oidc/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/' })}`)
    expect(foreign.status).toBe(400)
  })
})
