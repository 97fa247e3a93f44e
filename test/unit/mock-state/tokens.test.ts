import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { defaultConfig } from '../../../mocks/state/config'
import { MemoryTokenService } from '../../../mocks/state/tokens'

function setup() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  const config = defaultConfig()
  const tokens = new MemoryTokenService(clock, () => config)
  const session = tokens.startSession({ userId: 'user-1', surface: 'otp', amr: ['pwd'], deviceId: 'd1' })
  return { clock, config, tokens, session }
}

describe('TokenService: access tokens', () => {
  it('signs ES256 tokens with the standard claims from the mock clock', async () => {
    const { tokens, session, clock } = setup()
    const token = await tokens.signAccessToken(session, 900, { scope: 'otp', sub: 'forged' })
    const result = await tokens.verifyAccessToken(token, 'otp')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const iat = Math.floor(clock.now() / 1000)
    expect(result.claims).toMatchObject({ sub: 'user-1', sid: session.id, iat, exp: iat + 900, iss: 'https://portcullis.mock', aud: 'portcullis:otp', amr: ['pwd'], scope: 'otp' })
    expect(result.claims.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'JWT' })
  })

  it('expires on the mock clock, not the real one', async () => {
    const { tokens, session, clock } = setup()
    const token = await tokens.signAccessToken(session, 60)
    clock.advance(59_000)
    expect((await tokens.verifyAccessToken(token, 'otp')).ok).toBe(true)
    clock.advance(1_000)
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'expired' })
  })

  it('rejects garbage, tampering and tokens of revoked sessions', async () => {
    const { tokens, session } = setup()
    expect(await tokens.verifyAccessToken('nope', 'otp')).toEqual({ ok: false, reason: 'invalid' })
    const token = await tokens.signAccessToken(session, 60)
    const [h, p, s] = token.split('.')
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', sid: session.id })).toString('base64url')}.${s}`
    expect(await tokens.verifyAccessToken(forged, 'otp')).toEqual({ ok: false, reason: 'invalid' })
    expect(p).toBeTruthy()
    tokens.revokeSession(session.id)
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'revoked' })
  })

  it('a token verified before (so held in the signed-token cache) is refused the moment its session is revoked', async () => {
    const { tokens, session, clock } = setup()
    const other = tokens.startSession({ userId: 'user-1', surface: 'otp', amr: ['pwd'] })
    const token = await tokens.signAccessToken(session, 900)
    const otherToken = await tokens.signAccessToken(other, 900)
    for (let i = 0; i < 3; i++) expect((await tokens.verifyAccessToken(token, 'otp')).ok).toBe(true)
    tokens.revokeSession(session.id)
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'revoked' })
    // No clock movement needed, and other sessions are untouched until they are revoked too.
    expect((await tokens.verifyAccessToken(otherToken, 'otp')).ok).toBe(true)
    tokens.revokeUserSessions('user-1')
    expect(await tokens.verifyAccessToken(otherToken, 'otp')).toEqual({ ok: false, reason: 'revoked' })
    // The cache answers for the audience it was asked about, not the one it first saw.
    const fresh = await tokens.signAccessToken(tokens.startSession({ userId: 'user-2', surface: 'otp', amr: ['pwd'] }), 900)
    expect((await tokens.verifyAccessToken(fresh, 'otp')).ok).toBe(true)
    expect(await tokens.verifyAccessToken(fresh, 'platform')).toEqual({ ok: false, reason: 'invalid' })
    clock.advance(900_000)
    expect(await tokens.verifyAccessToken(fresh, 'otp')).toEqual({ ok: false, reason: 'expired' })
  })

  it('a token from another service (other key) is invalid', async () => {
    const a = setup()
    const b = setup()
    const token = await a.tokens.signAccessToken(a.session, 60)
    expect(await b.tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'invalid' })
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
      audience: 'portcullis:otp',
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
    const rotated = tokens.rotateRefreshToken(first.token, 'otp', 3600)
    expect(rotated).toMatchObject({ ok: true, userId: 'user-1', session: { id: session.id } })
    if (!rotated.ok) return
    expect(rotated.refreshToken).not.toBe(first.token)
    const again = tokens.rotateRefreshToken(rotated.refreshToken, 'otp', 3600)
    expect(again.ok).toBe(true)
  })

  it('presenting a spent token revokes the whole family and the session', async () => {
    const { tokens, session } = setup()
    const access = await tokens.signAccessToken(session, 600)
    const first = tokens.issueRefreshToken(session, 3600)
    const second = tokens.rotateRefreshToken(first.token, 'otp', 3600)
    if (!second.ok) throw new Error('rotation failed')
    expect(tokens.rotateRefreshToken(first.token, 'otp', 3600)).toEqual({ ok: false, reason: 'reused' })
    // The legitimate holder's newest token dies with the family, and so does the session.
    expect(tokens.rotateRefreshToken(second.refreshToken, 'otp', 3600)).toEqual({ ok: false, reason: 'revoked' })
    expect(tokens.getSession(session.id)?.revokedAt).not.toBeNull()
    expect(await tokens.verifyAccessToken(access, 'otp')).toEqual({ ok: false, reason: 'revoked' })
  })

  it('reuse in one session leaves other sessions alone', () => {
    const { tokens, session } = setup()
    const other = tokens.startSession({ userId: 'user-1', surface: 'otp', amr: ['pwd'] })
    const otherToken = tokens.issueRefreshToken(other, 3600)
    const first = tokens.issueRefreshToken(session, 3600)
    tokens.rotateRefreshToken(first.token, 'otp', 3600)
    tokens.rotateRefreshToken(first.token, 'otp', 3600)
    expect(tokens.rotateRefreshToken(otherToken.token, 'otp', 3600).ok).toBe(true)
  })

  it('expires on the mock clock; unknown tokens are invalid', () => {
    const { tokens, session, clock } = setup()
    const { token } = tokens.issueRefreshToken(session, 10)
    clock.advance(10_000)
    expect(tokens.rotateRefreshToken(token, 'otp', 10)).toEqual({ ok: false, reason: 'expired' })
    expect(tokens.rotateRefreshToken('unknown', 'otp', 10)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('inspect does not spend; revokeRefreshToken revokes one token only once', () => {
    const { tokens, session, clock } = setup()
    const a = tokens.issueRefreshToken(session, 3600)
    const b = tokens.issueRefreshToken(session, 3600)
    expect(tokens.inspectRefreshToken(a.token, 'otp')).toMatchObject({ ok: true, userId: 'user-1', expiresAt: a.expiresAt })
    expect(tokens.inspectRefreshToken(a.token, 'otp').ok).toBe(true)
    expect(tokens.revokeRefreshToken(a.token, 'platform')).toEqual({ ok: false })
    expect(tokens.revokeRefreshToken(a.token, 'otp')).toEqual({ ok: true, revokedAt: clock.now() })
    expect(tokens.revokeRefreshToken(a.token, 'otp')).toEqual({ ok: false })
    expect(tokens.revokeRefreshToken('unknown', 'otp')).toEqual({ ok: false })
    expect(tokens.rotateRefreshToken(a.token, 'otp', 3600)).toEqual({ ok: false, reason: 'revoked' })
    expect(tokens.rotateRefreshToken(b.token, 'otp', 3600).ok).toBe(true)
    expect(tokens.inspectRefreshToken(b.token, 'otp')).toEqual({ ok: false, reason: 'spent' })
  })

  it('revokeUserSessions revokes per user and optionally per surface', () => {
    const { tokens, session } = setup()
    const platform = tokens.startSession({ userId: 'user-1', surface: 'platform', amr: ['pwd'] })
    const stranger = tokens.startSession({ userId: 'user-2', surface: 'otp', amr: ['pwd'] })
    tokens.revokeUserSessions('user-1', 'platform')
    expect(tokens.getSession(platform.id)?.revokedAt).not.toBeNull()
    expect(tokens.getSession(session.id)?.revokedAt).toBeNull()
    tokens.revokeUserSessions('user-1')
    expect(tokens.getSession(session.id)?.revokedAt).not.toBeNull()
    expect(tokens.getSession(stranger.id)?.revokedAt).toBeNull()
  })
})

describe('TokenService: tokens bound to their surface', () => {
  it('stamps the surface audience and amr; another surface refuses the access token', async () => {
    const { tokens } = setup()
    const platform = tokens.startSession({ userId: 'user-1', surface: 'platform', amr: ['pwd', 'otp', 'mfa'] })
    const token = await tokens.signAccessToken(platform, 60, { aud: 'portcullis:otp', amr: ['forged'] })
    const verified = await tokens.verifyAccessToken(token, 'platform')
    expect(verified.ok && verified.claims).toMatchObject({ aud: 'portcullis:platform', amr: ['pwd', 'otp', 'mfa'] })
    for (const other of ['otp', 'accounts', 'experience'] as const) {
      expect(await tokens.verifyAccessToken(token, other)).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it("another surface's refresh token is invalid there and left unspent", () => {
    const { tokens, session } = setup()
    const refresh = tokens.issueRefreshToken(session, 3600)
    expect(tokens.rotateRefreshToken(refresh.token, 'platform', 3600)).toEqual({ ok: false, reason: 'invalid' })
    expect(tokens.inspectRefreshToken(refresh.token, 'platform')).toEqual({ ok: false, reason: 'invalid' })
    expect(tokens.rotateRefreshToken(refresh.token, 'otp', 3600).ok).toBe(true)
  })
})

describe('TokenService: bounded and indexed', () => {
  it('revoking a user visits only that user’s sessions', () => {
    const { tokens, config } = setup()
    config.limits.sessionsPerUser = 10_000
    for (let i = 0; i < 5000; i++) tokens.startSession({ userId: `other-${i % 50}`, surface: 'otp', amr: ['pwd'] })
    for (let i = 0; i < 3; i++) tokens.startSession({ userId: 'target', surface: 'platform', amr: ['pwd'] })
    const result = tokens.revokeUserSessions('target')
    expect(result.revoked).toHaveLength(3)
    expect(result.visited).toBe(3)
  })

  it('keeps at most limits.sessionsPerUser sessions per user, dropping the oldest', async () => {
    const { tokens, config } = setup()
    config.limits.sessionsPerUser = 3
    const first = tokens.startSession({ userId: 'u', surface: 'otp', amr: ['pwd'] })
    const access = await tokens.signAccessToken(first, 60)
    const refresh = tokens.issueRefreshToken(first, 60)
    for (let i = 0; i < 5; i++) tokens.startSession({ userId: 'u', surface: 'otp', amr: ['pwd'] })
    expect(tokens.userSessions('u')).toHaveLength(3)
    expect(tokens.getSession(first.id)).toBeUndefined()
    expect(await tokens.verifyAccessToken(access, 'otp')).toEqual({ ok: false, reason: 'revoked' })
    expect(tokens.rotateRefreshToken(refresh.token, 'otp', 60)).toEqual({ ok: false, reason: 'invalid' })
    expect(tokens.size().refreshTokens).toBe(0)
  })

  it('keeps a bounded number of spent refresh tokens per session; a recent replay is still caught', () => {
    const { tokens, session } = setup()
    let current = tokens.issueRefreshToken(session, 3600).token
    const spent: string[] = []
    for (let i = 0; i < 100; i++) {
      const next = tokens.rotateRefreshToken(current, 'otp', 3600)
      if (!next.ok) throw new Error('rotation failed')
      spent.push(current)
      current = next.refreshToken
    }
    expect(tokens.size().refreshTokens).toBeLessThanOrEqual(21)
    expect(tokens.rotateRefreshToken(spent.at(-1)!, 'otp', 3600)).toEqual({ ok: false, reason: 'reused' })
  })
})

describe('TokenService: tokens it signed', () => {
  it('are checked again on every use (issuer, audience, expiry, session) though their signature is not', async () => {
    const { tokens, session, clock, config } = setup()
    const token = await tokens.signAccessToken(session, 60)
    expect((await tokens.verifyAccessToken(token, 'otp')).ok).toBe(true)
    expect(await tokens.verifyAccessToken(token, 'platform')).toEqual({ ok: false, reason: 'invalid' })
    // One character changed is another string: the full check, which fails on the signature.
    const tampered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`
    expect(await tokens.verifyAccessToken(tampered, 'otp')).toEqual({ ok: false, reason: 'invalid' })
    config.issuer = 'https://elsewhere.example'
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'invalid' })
    config.issuer = defaultConfig().issuer
    clock.advance(60_000)
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'expired' })
    clock.advance(-60_000)
    tokens.revokeSession(session.id)
    expect(await tokens.verifyAccessToken(token, 'otp')).toEqual({ ok: false, reason: 'revoked' })
  })
})
