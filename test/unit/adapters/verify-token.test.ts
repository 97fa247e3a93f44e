/**
 * verifyAccessToken against a key set served through msw (jose's remote key set downloads it
 * with fetch, which msw intercepts).
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenVerifier, verifyAccessToken } from '../../../src/server'

const jwksUrl = 'http://issuer.test/.well-known/jwks.json'
let downloads = 0
let privateKey: CryptoKey
const server = setupServer()

beforeAll(async () => {
  const pair = await generateKeyPair('ES256')
  privateKey = pair.privateKey
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  server.use(
    http.get(jwksUrl, () => {
      downloads++
      return HttpResponse.json({ keys: [jwk] })
    }),
  )
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

const sign = (claims: Record<string, unknown>, expiresIn: string | number = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('http://issuer.test').setAudience('api').setIssuedAt().setExpirationTime(expiresIn).sign(privateKey)

describe('verifyAccessToken', () => {
  it('verifies signature, issuer and audience, downloading the keys once', async () => {
    const token = await sign({ sub: 'u-1', sid: 's-1' })
    const options = { jwksUrl, issuer: 'http://issuer.test', audience: 'api' }
    const claims = await verifyAccessToken(token, options)
    expect(claims).toMatchObject({ sub: 'u-1', sid: 's-1', iss: 'http://issuer.test', aud: 'api' })
    await verifyAccessToken(await sign({ sub: 'u-2' }), options)
    expect(downloads).toBe(1)
  })

  it('rejects a tampered, expired, foreign or malformed token with an AuthError that does not quote it', async () => {
    const verify = createAccessTokenVerifier({ jwksUrl, issuer: 'http://issuer.test', audience: 'api' })
    const token = await sign({ sub: 'u-1', role: 'user' })
    const [header, , signature] = token.split('.')
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'u-1', role: 'admin', iss: 'http://issuer.test', aud: 'api', exp: 4_000_000_000 })).toString('base64url')}.${signature}`
    const tampered = await verify(forged).catch((e: unknown) => e)
    expect(tampered).toMatchObject({ name: 'AuthError', kind: 'auth', code: 'invalid_signature', status: 401 })
    expect(JSON.stringify(tampered) + String(tampered)).not.toContain(forged)

    const expired = await sign({ sub: 'u-1' }, Math.floor(Date.now() / 1000) - 60)
    await expect(verify(expired)).rejects.toMatchObject({ code: 'token_expired', kind: 'auth' })
    // The same token is fine at a time before its expiry (e.g. a mock clock).
    await expect(verifyAccessToken(expired, { jwksUrl, issuer: false, audience: false, currentDate: new Date(Date.now() - 120_000) })).resolves.toMatchObject({ sub: 'u-1' })

    await expect(verifyAccessToken(token, { jwksUrl, issuer: false, audience: 'other-api' })).rejects.toMatchObject({ code: 'invalid_claims', details: { aud: ['check_failed'] } })
    await expect(verify('not-a-token')).rejects.toMatchObject({ code: 'invalid_token', kind: 'auth' })
  })

  it('reports an unreachable key set as a network error', async () => {
    server.use(http.get('http://down.test/jwks.json', () => HttpResponse.error()))
    const token = await sign({ sub: 'u-1' })
    await expect(verifyAccessToken(token, { jwksUrl: 'http://down.test/jwks.json', issuer: false, audience: false })).rejects.toMatchObject({ code: 'jwks_unavailable', kind: 'network' })
  })
})
