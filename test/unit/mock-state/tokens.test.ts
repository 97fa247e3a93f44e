import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { defaultConfig } from '../../../mocks/state/config'
import { MemoryTokenService } from '../../../mocks/state/tokens'

function setup() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  const config = defaultConfig()
  const tokens = new MemoryTokenService(clock, () => config)
  const session = tokens.startSession({ userId: 'user-1', surface: 'otp', deviceId: 'd1' })
  return { clock, config, tokens, session }
}

describe('TokenService: access tokens', () => {
  it('signs ES256 tokens with the standard claims from the mock clock', async () => {
    const { tokens, session, clock } = setup()
    const token = await tokens.signAccessToken(session, 900, { scope: 'otp', sub: 'forged' })
    const result = await tokens.verifyAccessToken(token)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const iat = Math.floor(clock.now() / 1000)
    expect(result.claims).toMatchObject({ sub: 'user-1', sid: session.id, iat, exp: iat + 900, iss: 'https://portcullis.mock', aud: 'portcullis', scope: 'otp' })
    expect(result.claims.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'JWT' })
  })

  it('expires on the mock clock, not the real one', async () => {
    const { tokens, session, clock } = setup()
    const token = await tokens.signAccessToken(session, 60)
    clock.advance(59_000)
    expect((await tokens.verifyAccessToken(token)).ok).toBe(true)
    clock.advance(1_000)
    expect(await tokens.verifyAccessToken(token)).toEqual({ ok: false, reason: 'expired' })
  })

  it('rejects garbage, tampering and tokens of revoked sessions', async () => {
    const { tokens, session } = setup()
    expect(await tokens.verifyAccessToken('nope')).toEqual({ ok: false, reason: 'invalid' })
    const token = await tokens.signAccessToken(session, 60)
    const [h, p, s] = token.split('.')
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', sid: session.id })).toString('base64url')}.${s}`
    expect(await tokens.verifyAccessToken(forged)).toEqual({ ok: false, reason: 'invalid' })
    expect(p).toBeTruthy()
    tokens.revokeSession(session.id)
    expect(await tokens.verifyAccessToken(token)).toEqual({ ok: false, reason: 'revoked' })
  })

  it('a token from another service (other key) is invalid', async () => {
    const a = setup()
    const b = setup()
    const token = await a.tokens.signAccessToken(a.session, 60)
    expect(await b.tokens.verifyAccessToken(token)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('the JWKS verifies its tokens with jose createLocalJWKSet', async () => {
    const { tokens, session, clock } = setup()
    const token = await tokens.signAccessToken(session, 60)
    const jwks = await tokens.jwks()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(jwks.keys[0]).not.toHaveProperty('d')
    expect(jwks.keys[0]!['kid']).toBe(decodeProtectedHeader(token).kid)
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), {
      issuer: 'https://portcullis.mock',
      audience: 'portcullis',
      currentDate: new Date(clock.now()),
    })
    expect(payload.sub).toBe('user-1')
  })

  it('keeps its key across clear()', async () => {
    const { tokens } = setup()
    const before = await tokens.jwks()
    tokens.clear()
    expect(await tokens.jwks()).toEqual(before)
  })
})

describe('TokenService: refresh tokens', () => {
  it('issues opaque 32-byte base64url tokens', () => {
    const { tokens, session } = setup()
    const { token, expiresAt } = tokens.issueRefreshToken(session, 3600)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(expiresAt).toBe(Date.UTC(2030, 0, 1) + 3_600_000)
  })

  it('rotation spends the presented token and issues the next one', () => {
    const { tokens, session } = setup()
    const first = tokens.issueRefreshToken(session, 3600)
    const rotated = tokens.rotateRefreshToken(first.token, 3600)
    expect(rotated).toMatchObject({ ok: true, userId: 'user-1', session: { id: session.id } })
    if (!rotated.ok) return
    expect(rotated.refreshToken).not.toBe(first.token)
    const again = tokens.rotateRefreshToken(rotated.refreshToken, 3600)
    expect(again.ok).toBe(true)
  })

  it('presenting a spent token revokes the whole family and the session', async () => {
    const { tokens, session } = setup()
    const access = await tokens.signAccessToken(session, 600)
    const first = tokens.issueRefreshToken(session, 3600)
    const second = tokens.rotateRefreshToken(first.token, 3600)
    if (!second.ok) throw new Error('rotation failed')
    expect(tokens.rotateRefreshToken(first.token, 3600)).toEqual({ ok: false, reason: 'reused' })
    // The legitimate holder's newest token dies with the family, and so does the session.
    expect(tokens.rotateRefreshToken(second.refreshToken, 3600)).toEqual({ ok: false, reason: 'revoked' })
    expect(tokens.getSession(session.id)?.revokedAt).not.toBeNull()
    expect(await tokens.verifyAccessToken(access)).toEqual({ ok: false, reason: 'revoked' })
  })

  it('reuse in one session leaves other sessions alone', () => {
    const { tokens, session } = setup()
    const other = tokens.startSession({ userId: 'user-1', surface: 'otp' })
    const otherToken = tokens.issueRefreshToken(other, 3600)
    const first = tokens.issueRefreshToken(session, 3600)
    tokens.rotateRefreshToken(first.token, 3600)
    tokens.rotateRefreshToken(first.token, 3600)
    expect(tokens.rotateRefreshToken(otherToken.token, 3600).ok).toBe(true)
  })

  it('expires on the mock clock; unknown tokens are invalid', () => {
    const { tokens, session, clock } = setup()
    const { token } = tokens.issueRefreshToken(session, 10)
    clock.advance(10_000)
    expect(tokens.rotateRefreshToken(token, 10)).toEqual({ ok: false, reason: 'expired' })
    expect(tokens.rotateRefreshToken('unknown', 10)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('inspect does not spend; revokeRefreshToken revokes one token only once', () => {
    const { tokens, session, clock } = setup()
    const a = tokens.issueRefreshToken(session, 3600)
    const b = tokens.issueRefreshToken(session, 3600)
    expect(tokens.inspectRefreshToken(a.token)).toMatchObject({ ok: true, userId: 'user-1', expiresAt: a.expiresAt })
    expect(tokens.inspectRefreshToken(a.token).ok).toBe(true)
    expect(tokens.revokeRefreshToken(a.token)).toEqual({ ok: true, revokedAt: clock.now() })
    expect(tokens.revokeRefreshToken(a.token)).toEqual({ ok: false })
    expect(tokens.revokeRefreshToken('unknown')).toEqual({ ok: false })
    expect(tokens.rotateRefreshToken(a.token, 3600)).toEqual({ ok: false, reason: 'revoked' })
    expect(tokens.rotateRefreshToken(b.token, 3600).ok).toBe(true)
    expect(tokens.inspectRefreshToken(b.token)).toEqual({ ok: false, reason: 'spent' })
  })

  it('revokeUserSessions revokes per user and optionally per surface', () => {
    const { tokens, session } = setup()
    const platform = tokens.startSession({ userId: 'user-1', surface: 'platform' })
    const stranger = tokens.startSession({ userId: 'user-2', surface: 'otp' })
    tokens.revokeUserSessions('user-1', 'platform')
    expect(tokens.getSession(platform.id)?.revokedAt).not.toBeNull()
    expect(tokens.getSession(session.id)?.revokedAt).toBeNull()
    tokens.revokeUserSessions('user-1')
    expect(tokens.getSession(session.id)?.revokedAt).not.toBeNull()
    expect(tokens.getSession(stranger.id)?.revokedAt).toBeNull()
  })
})
