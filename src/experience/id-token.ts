/**
 * Checking the ID token of a sign-in before trusting who it names: the signature against the
 * keys discovery publishes (`jwks_uri`), the issuer, the audience (our client id), the expiry on
 * the server-corrected clock, and the nonce sent with the authorization request. jose is only
 * in the lazily loaded sign-in code (`./sign-in`), never in the bundle a page loads up front.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import type { AdapterContext } from '../core/adapter'
import { AuthError, type AuthErrorCode } from '../core/errors'
import { send } from './adapter'

/** jose's verdicts as our codes (jose's error is never the cause: it carries the token's claims). */
const CODES: Record<string, AuthErrorCode> = {
  ERR_JWT_EXPIRED: 'token_expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'invalid_claims',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'invalid_signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
}

const rejected = (code: AuthErrorCode, claim?: unknown): AuthError =>
  new AuthError('The sign-in returned an ID token that does not check out; start again.', {
    code,
    kind: 'auth',
    details: typeof claim === 'string' ? { [claim]: ['check_failed'] } : undefined,
  })

async function getJson<T>(context: AdapterContext, url: string): Promise<T> {
  const response = await send(context.fetch, url, { headers: { accept: 'application/json' } })
  const body = response.ok ? ((await response.json().catch(() => null)) as T | null) : null
  if (!body) throw new AuthError('The signing keys could not be downloaded.', { code: 'jwks_unavailable', kind: 'server', status: response.status })
  return body
}

/** One verifier per adapter: the key set is downloaded once, and again when a token names a key it lacks (rotation). */
export function createIdTokenVerifier(clientId: string) {
  const keySets = new Map<string, Promise<JSONWebKeySet>>()

  async function keysFor(context: AdapterContext, issuer: string): Promise<JSONWebKeySet> {
    const discovery = await getJson<{ issuer?: unknown; jwks_uri?: unknown }>(context, `${issuer}/.well-known/openid-configuration`)
    if (discovery.issuer !== issuer) throw new AuthError('The sign-in service names another issuer.', { code: 'issuer_mismatch', kind: 'auth' })
    if (typeof discovery.jwks_uri !== 'string') throw new AuthError('The sign-in service publishes no signing keys.', { code: 'jwks_unavailable', kind: 'server' })
    return getJson<JSONWebKeySet>(context, discovery.jwks_uri)
  }

  return async function verifyIdToken(context: AdapterContext, issuer: string, idToken: string, nonce: string | null): Promise<JWTPayload> {
    for (let attempt = 0; ; attempt++) {
      const cached = keySets.get(issuer)
      const keys = cached ?? keysFor(context, issuer)
      keySets.set(issuer, keys)
      try {
        const { payload } = await jwtVerify(idToken, createLocalJWKSet(await keys), {
          issuer,
          audience: clientId,
          currentDate: new Date(context.now()),
          requiredClaims: ['sub', 'exp', 'iat'],
        })
        if (nonce !== null && payload['nonce'] !== nonce) throw rejected('invalid_claims', 'nonce')
        return payload
      } catch (error) {
        if (error instanceof AuthError) {
          if (error.code !== 'invalid_claims') keySets.delete(issuer)
          throw error
        }
        const code = (error as { code?: unknown } | null)?.code
        // A key set from before a rotation: download it once more.
        if (code === 'ERR_JWKS_NO_MATCHING_KEY' && cached && attempt === 0) {
          keySets.delete(issuer)
          continue
        }
        throw rejected(CODES[String(code)] ?? 'invalid_token', (error as { claim?: unknown }).claim)
      }
    }
  }
}
