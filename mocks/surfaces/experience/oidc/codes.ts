/** Authorization codes: single use, one minute, bound to client, redirect URI and PKCE challenge. */
import { randomBase64Url } from '../../../state/random'
import type { BackendState, Millis } from '../../../state/types'
import { setBounded } from '../bounded'
import type { AuthorizationRequest, LoginResult } from '../interaction'

export const AUTHORIZATION_CODE_TTL_MS = 60_000

export interface AuthorizationCode {
  request: AuthorizationRequest
  result: LoginResult
  expiresAt: Millis
  /** Set once exchanged; a second exchange revokes what the first one issued. */
  sessionId: string | null
}

export const authorizationCodes = (state: BackendState) => state.scratch('experience:authorization-codes', () => new Map<string, AuthorizationCode>())

export function issueAuthorizationCode(state: BackendState, request: AuthorizationRequest, result: LoginResult): string {
  const code = randomBase64Url(32)
  setBounded(authorizationCodes(state), code, { request, result, expiresAt: state.clock.now() + AUTHORIZATION_CODE_TTL_MS, sessionId: null })
  return code
}
