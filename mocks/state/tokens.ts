import { calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose'
import { randomBase64Url, randomHex, uuid } from './random'
import type {
  AccessClaims,
  BackendConfig,
  Clock,
  Millis,
  RefreshInspection,
  RefreshOutcome,
  RefreshTokenFormat,
  RevokedSessions,
  SessionRecord,
  SurfaceName,
  TokenFailure,
  TokenService,
} from './types'

const ALG = 'ES256'

/**
 * The `aud` of each surface's access tokens. One token service signs them all, so the audience
 * (and the session's surface) is what stops a token of one surface from working on another.
 */
export const SURFACE_AUDIENCES: Readonly<Record<SurfaceName, string>> = {
  platform: 'portcullis:platform',
  accounts: 'portcullis:accounts',
  experience: 'portcullis:experience',
  otp: 'portcullis:otp',
}

/**
 * Access tokens this service signed, remembered (oldest forgotten first) so verifying one of them
 * again skips the ECDSA signature check: the exact token string was produced here with the key.
 * Any other string, forged or altered, goes through the full check.
 */
export const SIGNED_TOKENS_KEPT = 10_000

/** Spent refresh tokens kept per session for reuse detection; older ones are forgotten (then `invalid`). */
export const SPENT_REFRESH_TOKENS_KEPT = 20

export interface TokenServiceDump {
  key: SigningKey | null
  sessions: SessionRecord[]
  refreshTokens: Array<[string, RefreshRecord]>
}

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
 *
 * Indexed so no request is O(all sessions): sessions per user (insertion order = age, capped by
 * `limits.sessionsPerUser`, the oldest evicted) and refresh tokens per session (spent ones capped).
 */
export class MemoryTokenService implements TokenService {
  private keyPromise: Promise<SigningKey> | undefined
  /** The key once made (what `dump` saves). */
  private madeKey: SigningKey | undefined
  private published: { key: SigningKey; text: string } | undefined
  private readonly sessions = new Map<string, SessionRecord>()
  private readonly refreshTokens = new Map<string, RefreshRecord>()
  private readonly sessionsByUser = new Map<string, Set<string>>()
  private readonly tokensBySession = new Map<string, Set<string>>()
  private readonly signed = new Map<string, AccessClaims>()

  constructor(
    private readonly clock: Clock,
    private readonly config: () => Pick<BackendConfig, 'issuer' | 'limits'>,
  ) {}

  /** Generated on first use, never at import or construction; kept across `reset`. */
  private key(): Promise<SigningKey> {
    this.keyPromise ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair(ALG)
      const publicJwk = await exportJWK(publicKey)
      const kid = await calculateJwkThumbprint(publicJwk)
      return (this.madeKey = { privateKey, publicKey, publicJwk, kid })
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

  /** `jwks()` as JSON text, made once per key (the JWKS route serves it on every call). */
  async jwksJson(): Promise<string> {
    const key = await this.key()
    if (this.published?.key !== key) this.published = { key, text: JSON.stringify(await this.jwks()) }
    return this.published.text
  }

  startSession(input: { userId: string; surface: SurfaceName; amr: readonly string[]; deviceId?: string | null }): SessionRecord {
    const session: SessionRecord = Object.freeze({
      id: uuid(),
      userId: input.userId,
      surface: input.surface,
      amr: Object.freeze([...input.amr]),
      deviceId: input.deviceId ?? null,
      createdAt: this.clock.now(),
      revokedAt: null,
    })
    let owned = this.sessionsByUser.get(input.userId)
    if (!owned) this.sessionsByUser.set(input.userId, (owned = new Set()))
    // Over the cap, the user's oldest sessions go entirely (their tokens then read as revoked).
    const cap = this.config().limits.sessionsPerUser
    for (const oldest of owned) {
      if (owned.size < cap) break
      this.forget(oldest)
    }
    this.sessions.set(session.id, session)
    owned.add(session.id)
    return session
  }

  getSession(id: string): SessionRecord | undefined {
    return this.sessions.get(id)
  }

  userSessions(userId: string): SessionRecord[] {
    return [...(this.sessionsByUser.get(userId) ?? [])].map((id) => this.sessions.get(id)!).filter(Boolean)
  }

  /**
   * Every session with the expiry of its live refresh token (null when none is left), for the
   * control API's listing; O(sessions), never on a request path of the surfaces.
   */
  listSessions(): Array<SessionRecord & { refreshExpiresAt: Millis | null }> {
    return [...this.sessions.values()].map((session) => {
      let refreshExpiresAt: Millis | null = null
      for (const token of this.tokensBySession.get(session.id) ?? []) {
        const record = this.refreshTokens.get(token)
        if (record && record.spentAt === null && record.revokedAt === null) refreshExpiresAt = Math.max(refreshExpiresAt ?? 0, record.expiresAt)
      }
      return { ...session, refreshExpiresAt }
    })
  }

  revokeSession(id: string): void {
    const session = this.sessions.get(id)
    if (!session || session.revokedAt !== null) return
    const now = this.clock.now()
    this.sessions.set(id, Object.freeze({ ...session, revokedAt: now }))
    // Revoking the session revokes its refresh family too.
    for (const token of this.tokensBySession.get(id) ?? []) {
      const record = this.refreshTokens.get(token)
      if (record && record.revokedAt === null) record.revokedAt = now
    }
  }

  revokeUserSessions(userId: string, surface?: SurfaceName): RevokedSessions {
    const revoked: string[] = []
    let visited = 0
    for (const id of this.sessionsByUser.get(userId) ?? []) {
      visited++
      const session = this.sessions.get(id)
      if (!session || session.revokedAt !== null || (surface !== undefined && session.surface !== surface)) continue
      this.revokeSession(id)
      revoked.push(id)
    }
    return { revoked, visited }
  }

  async signAccessToken(session: SessionRecord, ttlSeconds: number, extraClaims: Record<string, unknown> = {}): Promise<string> {
    const { privateKey, kid } = await this.key()
    const { issuer } = this.config()
    const iat = Math.floor(this.clock.now() / 1000)
    // Standard claims come last so a surface's extras cannot forge `sub`, `sid`, `aud`, `amr` or `exp`.
    const claims: AccessClaims = {
      ...extraClaims,
      sub: session.userId,
      sid: session.id,
      iat,
      exp: iat + ttlSeconds,
      iss: issuer,
      aud: SURFACE_AUDIENCES[session.surface],
      amr: [...session.amr],
      jti: uuid(),
    }
    const token = await new SignJWT(claims).setProtectedHeader({ alg: ALG, kid, typ: 'JWT' }).sign(privateKey)
    this.signed.set(token, Object.freeze(claims))
    for (const oldest of this.signed.keys()) {
      if (this.signed.size <= SIGNED_TOKENS_KEPT) break
      this.signed.delete(oldest)
    }
    return token
  }

  /** Signs any claim set with the service's key (OIDC id tokens, whose `iss`/`aud` are the provider's). */
  async signJwt(claims: Record<string, unknown>, type = 'JWT'): Promise<string> {
    const { privateKey, kid } = await this.key()
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid, typ: type }).sign(privateKey)
  }

  /** The token's claims once its signature, issuer, audience and expiry check out. */
  private async verifiedPayload(token: string, surface: SurfaceName): Promise<{ ok: true; payload: Record<string, unknown> } | { ok: false; reason: TokenFailure }> {
    const known = this.signed.get(token)
    if (known) {
      const failure = this.checkSignedClaims(known, surface)
      return failure ? { ok: false, reason: failure } : { ok: true, payload: { ...known } }
    }
    const { publicKey } = await this.key()
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: [ALG],
        issuer: this.config().issuer,
        // Another surface's token is well signed but not meant for this one.
        audience: SURFACE_AUDIENCES[surface],
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti', 'amr'],
      })
      return { ok: true, payload }
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' }
    }
  }

  /** The checks `jwtVerify` makes after the signature, in its order, for a token signed here. */
  private checkSignedClaims(claims: AccessClaims, surface: SurfaceName): TokenFailure | null {
    if (claims.iss !== this.config().issuer || claims.aud !== SURFACE_AUDIENCES[surface]) return 'invalid'
    return claims.exp <= Math.floor(this.clock.now() / 1000) ? 'expired' : null
  }

  async verifyAccessToken(token: string, surface: SurfaceName): Promise<{ ok: true; claims: AccessClaims; session: SessionRecord } | { ok: false; reason: TokenFailure }> {
    if (typeof token !== 'string' || token.split('.').length !== 3) return { ok: false, reason: 'invalid' }
    const verified = await this.verifiedPayload(token, surface)
    if (!verified.ok) return verified
    const { payload } = verified
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { ok: false, reason: 'invalid' }
    const session = this.sessions.get(payload.sid)
    if (!session || session.revokedAt !== null || session.userId !== payload.sub) return { ok: false, reason: 'revoked' }
    if (session.surface !== surface) return { ok: false, reason: 'invalid' }
    return { ok: true, claims: payload as AccessClaims, session }
  }

  issueRefreshToken(session: SessionRecord, ttlSeconds: number, format: RefreshTokenFormat = 'base64url'): { token: string; expiresAt: Millis } {
    // accounts (graphql-jwt) refresh tokens are 40 lowercase hex characters (20 random bytes).
    const token = format === 'hex40' ? randomHex(20) : randomBase64Url(32)
    const expiresAt = this.clock.now() + ttlSeconds * 1000
    const revokedAt = this.sessions.get(session.id)?.revokedAt ?? null
    this.refreshTokens.set(token, { sessionId: session.id, userId: session.userId, expiresAt, spentAt: null, revokedAt })
    let family = this.tokensBySession.get(session.id)
    if (!family) this.tokensBySession.set(session.id, (family = new Set()))
    family.add(token)
    this.trimFamily(family)
    return { token, expiresAt }
  }

  rotateRefreshToken(token: string, surface: SurfaceName, ttlSeconds: number): RefreshOutcome {
    const inspected = this.inspectRefreshToken(token, surface)
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

  inspectRefreshToken(token: string, surface: SurfaceName): RefreshInspection {
    const record = typeof token === 'string' ? this.refreshTokens.get(token) : undefined
    if (!record) return { ok: false, reason: 'invalid' }
    const session = this.sessions.get(record.sessionId)
    // Another surface's refresh token is not this surface's to spend or revoke: it is unknown here.
    if (session && session.surface !== surface) return { ok: false, reason: 'invalid' }
    if (!session || session.revokedAt !== null || record.revokedAt !== null) return { ok: false, reason: 'revoked' }
    if (record.spentAt !== null) return { ok: false, reason: 'spent' }
    if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, session, userId: record.userId, expiresAt: record.expiresAt }
  }

  revokeRefreshToken(token: string, surface: SurfaceName): { ok: true; revokedAt: Millis } | { ok: false } {
    const record = typeof token === 'string' ? this.refreshTokens.get(token) : undefined
    if (!record || record.revokedAt !== null || this.sessions.get(record.sessionId)?.surface !== surface) return { ok: false }
    record.revokedAt = this.clock.now()
    return { ok: true, revokedAt: record.revokedAt }
  }

  /** How many sessions and refresh tokens are held (for the bounded-state checks). */
  size(): { sessions: number; refreshTokens: number } {
    return { sessions: this.sessions.size, refreshTokens: this.refreshTokens.size }
  }

  /** Forgets sessions and refresh tokens; the signing key stays, so a JWKS fetched earlier stays valid. */
  clear(): void {
    this.sessions.clear()
    this.refreshTokens.clear()
    this.sessionsByUser.clear()
    this.tokensBySession.clear()
    this.signed.clear()
  }

  /**
   * The signing key (once made), sessions and refresh tokens, for the browser mock's saved state.
   * The signed-token cache is left out: a token it misses goes through the full check.
   * The keys stay `CryptoKey`s (IndexedDB stores them as they are, the private one unextractable).
   */
  dump(): TokenServiceDump {
    return {
      key: this.madeKey ?? null,
      sessions: [...this.sessions.values()],
      refreshTokens: [...this.refreshTokens].map(([token, record]) => [token, { ...record }]),
    }
  }

  /** Replaces key, sessions and refresh tokens with saved ones; the indexes are rebuilt in the saved order. */
  load(dump: TokenServiceDump): void {
    this.clear()
    this.madeKey = dump.key ?? undefined
    if (dump.key) this.keyPromise = Promise.resolve(dump.key)
    for (const session of dump.sessions) {
      this.sessions.set(session.id, Object.freeze({ ...session, amr: Object.freeze([...session.amr]) }))
      let owned = this.sessionsByUser.get(session.userId)
      if (!owned) this.sessionsByUser.set(session.userId, (owned = new Set()))
      owned.add(session.id)
    }
    for (const [token, record] of dump.refreshTokens) {
      this.refreshTokens.set(token, { ...record })
      let family = this.tokensBySession.get(record.sessionId)
      if (!family) this.tokensBySession.set(record.sessionId, (family = new Set()))
      family.add(token)
    }
  }

  /** Drops a session and its refresh family entirely (cap eviction). */
  private forget(id: string): void {
    const session = this.sessions.get(id)
    for (const token of this.tokensBySession.get(id) ?? []) this.refreshTokens.delete(token)
    this.tokensBySession.delete(id)
    this.sessions.delete(id)
    if (session) this.sessionsByUser.get(session.userId)?.delete(id)
  }

  /** Keeps the newest spent tokens of a family; the live one is never dropped. */
  private trimFamily(family: Set<string>): void {
    let spent = 0
    for (const token of family) if (this.refreshTokens.get(token)?.spentAt !== null) spent++
    for (const token of family) {
      if (spent <= SPENT_REFRESH_TOKENS_KEPT) break
      if (this.refreshTokens.get(token)?.spentAt === null) continue
      family.delete(token)
      this.refreshTokens.delete(token)
      spent--
    }
  }
}
