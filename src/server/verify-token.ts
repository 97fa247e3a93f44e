/**
 * Verifying an incoming access token on a resource server: signature against the backend's
 * JWKS (`/.well-known/jwks.json`), expiry, issuer and audience. Built on jose, and published
 * through its own entry (`portcullis/server`) so that the browser sign-in bundle, which only
 * reads `exp` from a token, never carries jose.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { AuthError, type AuthErrorCode, type AuthErrorKind } from '../core/errors'
import type { FetchLike } from '../core/types'

export interface VerifyAccessTokenOptions {
  /** Where the backend publishes its public keys, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  jwksUrl: string | URL
  /** Expected `iss`. Required: `false` opts out explicitly (any issuer the keys signed for). */
  issuer: string | string[] | false
  /**
   * Expected `aud` (the reference backend gives each surface its own, e.g. `portcullis:otp`).
   * Required: `false` opts out explicitly, accepting tokens minted for any other service.
   */
  audience: string | string[] | false
  /** Accepted signature algorithms. Default: whatever the published keys say (ES256 for the reference backend). */
  algorithms?: string[] | undefined
  /** Leeway for `exp`/`nbf`/`iat` checks, seconds or a jose time span (`'30s'`). Default 0. */
  clockTolerance?: number | string | undefined
  /** The time to check expiry against (e.g. a mock clock). Default: now. */
  currentDate?: Date | undefined
  /** Used to download the key set. Default: `globalThis.fetch`, looked up per download. */
  fetch?: FetchLike | undefined
}

/**
 * The registered JWT claims (RFC 7519 §4.1), as jose's `JWTPayload` has them: declared here so the
 * CommonJS types need not import jose's ESM-only declarations (TS1479 under `node16`).
 */
export interface JwtClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  jti?: string
  nbf?: number
  exp?: number
  iat?: number
  [claim: string]: unknown
}

/** The claims of a verified access token. */
export interface AccessTokenClaims extends JwtClaims {
  sub: string
  exp: number
  /** Session id, when the backend sets one. */
  sid?: string
}

type Verifier = (token: string) => Promise<AccessTokenClaims>

/** One key set per URL (and fetch), so keys are downloaded once and refreshed on rotation. */
let keySets: Map<string, { fetch: FetchLike | undefined; keys: JWTVerifyGetKey }> | undefined

function keySetFor(url: string, fetchImpl: FetchLike | undefined): JWTVerifyGetKey {
  keySets ??= new Map()
  let entry = keySets.get(url)
  if (!entry || entry.fetch !== fetchImpl) {
    const keys = createRemoteJWKSet(new URL(url), fetchImpl ? { [customFetch]: fetchImpl as typeof fetch } : {})
    entry = { fetch: fetchImpl, keys }
    keySets.set(url, entry)
  }
  return entry.keys
}

/** jose's failures that mean the keys could not be had: the server's problem, not the caller's. */
const UNAVAILABLE: Record<string, [kind: AuthErrorKind, message: string]> = {
  ERR_JWKS_TIMEOUT: ['network', 'The signing keys could not be downloaded in time.'],
  ERR_JOSE_GENERIC: ['server', 'The signing keys could not be downloaded.'],
  ERR_JWKS_INVALID: ['server', 'The published signing keys are invalid.'],
}

/** Every other jose failure is the token's fault (401), a forged header (`alg: none`, HS256, `crit`) included. */
const REJECTED: Record<string, [code: AuthErrorCode, message: string]> = {
  ERR_JWT_EXPIRED: ['token_expired', 'The access token has expired.'],
  ERR_JWT_CLAIM_VALIDATION_FAILED: ['invalid_claims', 'The access token was not issued for this service.'],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ['invalid_signature', 'The access token signature is invalid.'],
  ERR_JWKS_NO_MATCHING_KEY: ['unknown_key', 'The access token was signed with an unknown key.'],
}

/**
 * jose's error as an AuthError. Never with jose's error as `cause`: it carries the token's
 * claims (`sub`, `sid`, `jti`), which `util.inspect` would print.
 */
function toAuthError(error: unknown): AuthError {
  const joseCode = (error as { code?: unknown } | null)?.code
  if (typeof joseCode !== 'string' || UNAVAILABLE[joseCode]) {
    // Not jose's: the key download itself failed (fetch's TypeError).
    const [kind, message] = UNAVAILABLE[joseCode as string] ?? ['network', 'The signing keys could not be downloaded.']
    return new AuthError(message, { code: 'jwks_unavailable', kind })
  }
  const [code, message] = REJECTED[joseCode] ?? ['invalid_token', 'The access token is malformed or uses an algorithm that is not accepted.']
  // jose names the failed claim (`exp`, `aud` ...) but never the token itself.
  const claim = (error as { claim?: unknown }).claim
  return new AuthError(message, {
    code,
    kind: 'auth',
    status: 401,
    details: typeof claim === 'string' ? { [claim]: [String((error as { reason?: unknown }).reason ?? 'check_failed')] } : undefined,
  })
}

/**
 * A reusable verifier: `const verify = createAccessTokenVerifier({ jwksUrl, issuer, audience })`,
 * then `await verify(token)` per request. Rejects with AuthError (kind `auth`, status 401, code
 * `token_expired` / `invalid_signature` / `invalid_claims` / `unknown_key` / `invalid_token`),
 * or kind `network`/`server` (code `jwks_unavailable`) only when the keys cannot be fetched.
 * Verification is stateless: a token revoked by sign-out stays valid here until its `exp`.
 */
export function createAccessTokenVerifier(options: VerifyAccessTokenOptions): Verifier {
  const url = String(options.jwksUrl)
  if (options.issuer === undefined || options.audience === undefined) {
    throw new AuthError('Pass the expected `issuer` and `audience` (or `false` to opt out of a check).', { code: 'invalid_options', kind: 'validation' })
  }
  return async (token) => {
    if (typeof token !== 'string' || token.split('.').length !== 3) {
      throw new AuthError('The access token is malformed.', { code: 'invalid_token', kind: 'auth', status: 401 })
    }
    try {
      const { payload } = await jwtVerify(token, keySetFor(url, options.fetch), {
        issuer: options.issuer || undefined,
        audience: options.audience || undefined,
        algorithms: options.algorithms,
        clockTolerance: options.clockTolerance,
        currentDate: options.currentDate,
        requiredClaims: ['sub', 'exp'],
      })
      return payload as AccessTokenClaims
    } catch (error) {
      throw toAuthError(error)
    }
  }
}

/**
 * Verifies one access token (the bearer token of an incoming request) and returns its claims.
 * Key sets are cached per `jwksUrl`, so calling this per request downloads the keys once.
 */
export function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  return createAccessTokenVerifier(options)(token)
}
