/**
 * Reads the claims of a JWT without verifying it: adapters only need `exp`/`iat`/`sub` to plan a
 * refresh. Verification (signature, issuer, audience) is `verifyAccessToken` in
 * `portcullis/server`, which is where jose lives; this file stays dependency-free.
 */
import type { TokenSet } from '../core/adapter'

export interface UnverifiedClaims {
  sub?: string
  exp?: number
  iat?: number
  [claim: string]: unknown
}

/**
 * The payload of a compact JWT, or null when it is not one. Never throws. UTF-8 is decoded with
 * `decodeURIComponent` rather than TextDecoder, which React Native's Hermes does not have.
 */
export function readClaims(token: string): UnverifiedClaims | null {
  try {
    const binary = atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))
    const claims: unknown = JSON.parse(decodeURIComponent(binary.replace(/[\s\S]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'))))
    return claims && typeof claims === 'object' ? (claims as UnverifiedClaims) : null
  } catch {
    return null
  }
}

/** Epoch ms from a numeric-date claim (seconds), or null. */
export const claimMs = (value: unknown): number | null => (typeof value === 'number' ? value * 1000 : null)

/** The TokenSet of a JWT access token: `expiresAt`/`issuedAt` from its `exp`/`iat`, when it has them. */
export function jwtTokenSet(accessToken: string, refreshToken: string | null): TokenSet {
  const claims = readClaims(accessToken)
  return { accessToken, refreshToken, expiresAt: claimMs(claims?.exp), issuedAt: claimMs(claims?.iat) }
}
