/**
 * verifyAccessToken (portcullis/server) against tokens issued by the mock backend, with the
 * keys from its /.well-known/jwks.json served through msw (jose downloads them with fetch).
 */
import { describe, expect, it } from 'vitest'
import { AuthClient } from '../../../src/index'
import { otpApi } from '../../../src/otp'
import { platformApi } from '../../../src/platform'
import { verifyAccessToken } from '../../../src/server'
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
    const error = await verifyAccessToken(forged, { jwksUrl, currentDate: now }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'AuthError', kind: 'auth', code: 'invalid_signature', status: 401 })
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(signature)
    await expect(verifyAccessToken(token, { jwksUrl, audience: 'another-service', currentDate: now })).rejects.toMatchObject({ code: 'invalid_claims' })
  })

  it('rejects an expired token (mock clock moved past its exp)', async () => {
    const { token } = await issuedToken(otpApi)
    const epochMs = await advanceClock(16 * 60_000)
    await expect(verifyAccessToken(token, { jwksUrl, currentDate: new Date(epochMs) })).rejects.toMatchObject({ code: 'token_expired', kind: 'auth' })
  })
})
