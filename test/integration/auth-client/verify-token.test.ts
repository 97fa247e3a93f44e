/**
 * verifyAccessToken (portcullis/server) against tokens issued by the mock backend, with the
 * keys from its /.well-known/jwks.json served through msw (jose downloads them with fetch).
 */
import { inspect } from 'node:util'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthClient } from '../../../src/index'
import { otpApi } from '../../../src/otp'
import { platformApi } from '../../../src/platform'
import { createAccessTokenVerifier, verifyAccessToken, type VerifyAccessTokenOptions } from '../../../src/server'
import { advanceClock, BASE, createUser, requests, useMockBackend } from './support'

const mock = useMockBackend()
const jwksUrl = `${BASE}/.well-known/jwks.json`

async function issuedToken(api: typeof otpApi | typeof platformApi): Promise<{ token: string; userId: string }> {
  const auth = new AuthClient({ baseUrl: BASE, api: api() })
  const user = await createUser()
  await auth.signIn({ email: user.email, password: user.password })
  return { token: (await auth.getAccessToken())!, userId: user.id }
}

describe('verifyAccessToken with the mock JWKS', () => {
  it.each([
    ['otp', otpApi],
    ['platform', platformApi],
  ] as const)('verifies a %s token: signature, issuer, audience', async (name, api) => {
    const { token, userId } = await issuedToken(api)
    const { issuer } = mock.config()
    const audience = `portcullis:${name}`
    const claims = await verifyAccessToken(token, { jwksUrl, issuer, audience, currentDate: new Date(mock.clock.now()) })
    expect(claims).toMatchObject({ sub: userId, iss: issuer, aud: audience, amr: ['pwd'] })
    expect(typeof claims.sid).toBe('string')
    // The key set is downloaded once per URL and cached (this test's log starts empty after reset).
    expect((await requests()).filter((r) => r.path === '/.well-known/jwks.json').length).toBeLessThanOrEqual(1)
  })

  it('rejects a tampered token and one for another audience', async () => {
    const { token } = await issuedToken(otpApi)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`
    const now = new Date(mock.clock.now())
    const error = await verifyAccessToken(forged, { jwksUrl, issuer: false, audience: false, currentDate: now }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'AuthError', kind: 'auth', code: 'invalid_signature', status: 401 })
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(signature)
    await expect(verifyAccessToken(token, { jwksUrl, issuer: false, audience: 'another-service', currentDate: now })).rejects.toMatchObject({ code: 'invalid_claims' })
  })

  it('rejects an expired token (mock clock moved past its exp)', async () => {
    const { token } = await issuedToken(otpApi)
    const epochMs = await advanceClock(16 * 60_000)
    await expect(verifyAccessToken(token, { jwksUrl, issuer: false, audience: false, currentDate: new Date(epochMs) })).rejects.toMatchObject({ code: 'token_expired', kind: 'auth' })
  })

  /**
   * The audience the mock gives a surface's access tokens: one shared value today, one per
   * surface (`portcullis:<surface>`) once the mock binds tokens to their surface.
   */
  const audienceOf = (surface: string): string => (mock.config() as { audience?: string }).audience ?? `portcullis:${surface}`

  describe('forged tokens are the caller\'s fault (kind auth, 401), never an outage', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const parts = (token: string) => {
      const [header, payload, signature] = token.split('.') as [string, string, string]
      return { header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>, payload, signature }
    }
    const options = (): VerifyAccessTokenOptions => ({ jwksUrl, issuer: mock.config().issuer, audience: audienceOf('otp'), currentDate: new Date(mock.clock.now()) })

    it.each([
      ['alg none', (t: string) => { const { header, payload } = parts(t); return `${b64({ ...header, alg: 'none' })}.${payload}.` }],
      ['an unknown alg', (t: string) => { const { header, payload, signature } = parts(t); return `${b64({ ...header, alg: 'ES999' })}.${payload}.${signature}` }],
      ['a crit header', (t: string) => { const { header, payload, signature } = parts(t); return `${b64({ ...header, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })}.${payload}.${signature}` }],
    ])('%s', async (_label, forge) => {
      const { token } = await issuedToken(otpApi)
      const error = await verifyAccessToken(forge(token), options()).catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'AuthError', kind: 'auth', status: 401, retryable: false })
      expect(['invalid_token', 'invalid_signature', 'unknown_key']).toContain((error as { code: string }).code)
    })

    it('HS256 signed with the public key (algorithm confusion)', async () => {
      const { token } = await issuedToken(otpApi)
      const claims = JSON.parse(Buffer.from(parts(token).payload, 'base64url').toString()) as Record<string, unknown>
      const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Array<{ kid: string }> }
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]!.kid })
        .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])))
      await expect(verifyAccessToken(forged, options())).rejects.toMatchObject({ kind: 'auth', status: 401 })
    })

    it('the genuine token still verifies with the same options', async () => {
      const { token, userId } = await issuedToken(otpApi)
      await expect(verifyAccessToken(token, options())).resolves.toMatchObject({ sub: userId })
    })
  })

  it('requires issuer and audience, unless explicitly turned off with false', async () => {
    expect(() => createAccessTokenVerifier({ jwksUrl } as unknown as VerifyAccessTokenOptions)).toThrow(expect.objectContaining({ code: 'invalid_options', kind: 'validation' }))
    expect(() => createAccessTokenVerifier({ jwksUrl, issuer: 'x' } as unknown as VerifyAccessTokenOptions)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    const { token, userId } = await issuedToken(otpApi)
    await expect(verifyAccessToken(token, { jwksUrl, issuer: false, audience: false, currentDate: new Date(mock.clock.now()) })).resolves.toMatchObject({ sub: userId })
  })

  it('a rejected token\'s claims (sub, sid, jti) do not show in util.inspect of the error', async () => {
    const { token } = await issuedToken(otpApi)
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, string>
    const error = await verifyAccessToken(token, { jwksUrl, issuer: false, audience: 'someone-else', currentDate: new Date(mock.clock.now()) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'invalid_claims' })
    const printed = inspect(error, { depth: 10, showHidden: true })
    for (const claim of ['sub', 'sid', 'jti'] as const) if (claims[claim]) expect(printed).not.toContain(claims[claim])
  })
})
