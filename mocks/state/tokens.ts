import { calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose'
import { randomBase64Url, randomHex, uuid } from './random'
import type { AccessClaims, BackendConfig, Clock, Millis, RefreshInspection, RefreshOutcome, RefreshTokenFormat, SessionRecord, TokenFailure, TokenService } from './types'

const ALG = 'ES256'

interface SigningKey {
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
  kid: string
}

interface RefreshRecord {
  /** One refresh family per session: every token issued or rotated for it belongs to it. */
  sessionId: string
  userId: string
  expiresAt: Millis
  spentAt: Millis | null
  revokedAt: Millis | null
}

/**
 * Signs every access token of every surface (ES256, verifiable through the JWKS) and keeps
 * sessions and opaque refresh tokens. All times come from the mock clock.
 */
export class MemoryTokenService implements TokenService {
  private keyPromise: Promise<SigningKey> | undefined
  private readonly sessions = new Map<string, SessionRecord>()
  private readonly refreshTokens = new Map<string, RefreshRecord>()

  constructor(
    private readonly clock: Clock,
    private readonly config: () => Pick<BackendConfig, 'issuer' | 'audience'>,
  ) {}

  /** Generated on first use, never at import or construction; kept across `reset`. */
  private key(): Promise<SigningKey> {
    this.keyPromise ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair(ALG)
      const publicJwk = await exportJWK(publicKey)
      const kid = await calculateJwkThumbprint(publicJwk)
      return { privateKey, publicKey, publicJwk, kid }
    })().catch((error: unknown) => {
      this.keyPromise = undefined
      throw error
    })
    return this.keyPromise
  }

  async jwks(): Promise<{ keys: Array<Record<string, unknown>> }> {
    const { publicJwk, kid } = await this.key()
    return { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] }
  }

  startSession(input: { userId: string; surface: SessionRecord['surface']; deviceId?: string | null }): SessionRecord {
    const session: SessionRecord = Object.freeze({
      id: uuid(),
      userId: input.userId,
      surface: input.surface,
      deviceId: input.deviceId ?? null,
      createdAt: this.clock.now(),
      revokedAt: null,
    })
    this.sessions.set(session.id, session)
    return session
  }

  getSession(id: string): SessionRecord | undefined {
    return this.sessions.get(id)
  }

  revokeSession(id: string): void {
    const session = this.sessions.get(id)
    if (!session || session.revokedAt !== null) return
    const now = this.clock.now()
    this.sessions.set(id, Object.freeze({ ...session, revokedAt: now }))
    // Revoking the session revokes its refresh family too.
    for (const record of this.refreshTokens.values()) {
      if (record.sessionId === id && record.revokedAt === null) record.revokedAt = now
    }
  }

  revokeUserSessions(userId: string, surface?: SessionRecord['surface']): void {
    for (const session of [...this.sessions.values()]) {
      if (session.userId === userId && (surface === undefined || session.surface === surface)) this.revokeSession(session.id)
    }
  }

  async signAccessToken(session: SessionRecord, ttlSeconds: number, extraClaims: Record<string, unknown> = {}): Promise<string> {
    const { privateKey, kid } = await this.key()
    const { issuer, audience } = this.config()
    const iat = Math.floor(this.clock.now() / 1000)
    // Standard claims come last so a surface's extras cannot forge `sub`, `sid` or `exp`.
    const claims: AccessClaims = { ...extraClaims, sub: session.userId, sid: session.id, iat, exp: iat + ttlSeconds, iss: issuer, aud: audience, jti: uuid() }
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid, typ: 'JWT' }).sign(privateKey)
  }

  async verifyAccessToken(token: string): Promise<{ ok: true; claims: AccessClaims; session: SessionRecord } | { ok: false; reason: TokenFailure }> {
    if (typeof token !== 'string' || token.split('.').length !== 3) return { ok: false, reason: 'invalid' }
    const { publicKey } = await this.key()
    const { issuer, audience } = this.config()
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jwtVerify(token, publicKey, {
        algorithms: [ALG],
        issuer,
        audience,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti'],
      }))
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' }
    }
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { ok: false, reason: 'invalid' }
    const session = this.sessions.get(payload.sid)
    if (!session || session.revokedAt !== null || session.userId !== payload.sub) return { ok: false, reason: 'revoked' }
    return { ok: true, claims: payload as AccessClaims, session }
  }

  issueRefreshToken(session: SessionRecord, ttlSeconds: number, format: RefreshTokenFormat = 'base64url'): { token: string; expiresAt: Millis } {
    // accounts (graphql-jwt) refresh tokens are 40 lowercase hex characters (20 random bytes).
    const token = format === 'hex40' ? randomHex(20) : randomBase64Url(32)
    const expiresAt = this.clock.now() + ttlSeconds * 1000
    const revokedAt = this.sessions.get(session.id)?.revokedAt ?? null
    this.refreshTokens.set(token, { sessionId: session.id, userId: session.userId, expiresAt, spentAt: null, revokedAt })
    return { token, expiresAt }
  }

  rotateRefreshToken(token: string, ttlSeconds: number): RefreshOutcome {
    const inspected = this.inspectRefreshToken(token)
    if (!inspected.ok) {
      if (inspected.reason !== 'spent') return { ok: false, reason: inspected.reason }
      // A spent token came back: someone holds a copy. Kill the family and its session.
      const record = this.refreshTokens.get(token)
      if (record) this.revokeSession(record.sessionId)
      return { ok: false, reason: 'reused' }
    }
    const record = this.refreshTokens.get(token)
    if (record) record.spentAt = this.clock.now()
    const next = this.issueRefreshToken(inspected.session, ttlSeconds)
    return { ok: true, session: inspected.session, userId: inspected.userId, refreshToken: next.token, refreshExpiresAt: next.expiresAt }
  }

  inspectRefreshToken(token: string): RefreshInspection {
    const record = typeof token === 'string' ? this.refreshTokens.get(token) : undefined
    if (!record) return { ok: false, reason: 'invalid' }
    const session = this.sessions.get(record.sessionId)
    if (!session || session.revokedAt !== null || record.revokedAt !== null) return { ok: false, reason: 'revoked' }
    if (record.spentAt !== null) return { ok: false, reason: 'spent' }
    if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, session, userId: record.userId, expiresAt: record.expiresAt }
  }

  revokeRefreshToken(token: string): { ok: true; revokedAt: Millis } | { ok: false } {
    const record = typeof token === 'string' ? this.refreshTokens.get(token) : undefined
    if (!record || record.revokedAt !== null) return { ok: false }
    record.revokedAt = this.clock.now()
    return { ok: true, revokedAt: record.revokedAt }
  }

  /** Forgets sessions and refresh tokens; the signing key stays, so a JWKS fetched earlier stays valid. */
  clear(): void {
    this.sessions.clear()
    this.refreshTokens.clear()
  }
}
