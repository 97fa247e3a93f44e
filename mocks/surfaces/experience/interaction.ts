/**
 * The server-side half of an experience interaction: the parked OIDC authorization request (from
 * `GET /oidc/auth`) and, once `PUT /api/experience` ran, the experience data — event, identified
 * user, verification records (one per type), pending profile and MFA — all behind the cookies.
 */
import type { BackendState, Millis } from '../../state/types'
import type { VerificationRecord, VerificationType } from './records'

export type InteractionEvent = 'SignIn' | 'Register' | 'ForgotPassword'
export type MfaFactor = 'Totp' | 'WebAuthn' | 'BackupCode'

/** A WebAuthn credential pending binding (saved on the user at submit). */
export interface PendingWebAuthn {
  id: string
  publicKey: string
  counter: number
  transports: string[]
}

export interface PendingProfile {
  username?: string
  password?: string
  email?: string
  phone?: string
  /** A social / SSO identity to link: connectorId → external id (plus its profile). */
  identity?: { connectorId: string; id: string }
}

export interface ExperienceData {
  event: InteractionEvent
  userId: string | null
  profile: PendingProfile
  /** New password staged by `PUT /profile/password` (ForgotPassword). */
  newPassword?: string
  /** `verified`: a second factor was verified in this interaction, even if its record was since replaced. */
  mfa: { skipped: boolean; verified?: boolean; totp?: { secret: string }; webAuthn: PendingWebAuthn[]; backupCodes?: string[] }
  records: Map<VerificationType, VerificationRecord>
}

/** The parked authorization request. */
export interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  scopes: string[]
  state: string
  codeChallenge: string
  nonce: string | null
}

export interface LoginResult {
  userId: string
  amr: string[]
  authTime: number
}

export interface Interaction {
  uid: string
  request: AuthorizationRequest
  expiresAt: Millis
  experience: ExperienceData | null
  /** Set by submit; read by `GET /oidc/auth/:uid`. */
  result: LoginResult | null
}

/** Logto parks an interaction for one hour. */
export const INTERACTION_TTL_SECONDS = 3600

export function interactions(state: BackendState): Map<string, Interaction> {
  return state.scratch('experience:interactions', () => new Map<string, Interaction>())
}

/** A live interaction by uid (an expired one is dropped on the way). */
export function liveInteraction(state: BackendState, uid: string): Interaction | undefined {
  const map = interactions(state)
  const found = map.get(uid)
  if (found && state.clock.now() >= found.expiresAt) {
    map.delete(uid)
    return undefined
  }
  return found
}

export function newExperience(event: InteractionEvent): ExperienceData {
  return { event, userId: null, profile: {}, mfa: { skipped: false, webAuthn: [] }, records: new Map() }
}
