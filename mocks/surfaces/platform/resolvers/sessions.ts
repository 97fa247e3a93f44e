/**
 * Platform sessions on the shared token service: opening one for a finished login, answering with
 * its token pair, ending them. A finished login's `sessionId` is the token-service session id (the
 * `sid` claim).
 */
import { uuid } from '../../../state/random'
import type { BackendState, SessionRecord, User } from '../../../state/types'
import { signedInResult, type LoginResultShape } from './results'
import { dropUserPendingLogins, forgetSession, sessionMeta } from './scratch'

/** RFC 8176 `amr` of a password-only sign-in, and of one finished with the emailed code. */
export const AMR_PASSWORD: readonly string[] = ['pwd']
export const AMR_TWO_FACTOR: readonly string[] = ['pwd', 'otp', 'mfa']

/** The `deviceInfo` argument of login, logout and register. */
export interface DeviceInfoArg {
  deviceId?: string | null
}

/** The device id the client sent, if any. */
export function givenDeviceId(info: DeviceInfoArg | null | undefined): string | undefined {
  return info?.deviceId?.trim() || undefined
}

/** The device id the client sent, or a fresh one. */
export function deviceIdFrom(info: DeviceInfoArg | null | undefined): string {
  return givenDeviceId(info) ?? uuid()
}

function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString()
}

/** The LoginResult of a live session: a fresh access token next to `refreshToken`. */
export async function tokensFor(
  state: BackendState,
  user: User,
  session: SessionRecord,
  refreshToken: string,
): Promise<LoginResultShape> {
  const meta = sessionMeta(state).get(session.id)
  const token = await state.tokens.signAccessToken(session, state.config.platform.accessTokenTtlSeconds)
  return signedInResult(user, {
    currentLoginAt: iso(meta?.loginAt ?? session.createdAt),
    deviceId: meta?.deviceId ?? session.deviceId,
    ipAddress: meta?.ipAddress ?? null,
    lastLoginAt: iso(meta?.previousLoginAt ?? null),
    refreshToken,
    sessionId: session.id,
    token,
  })
}

/** Opens a platform session for the user and returns the full LoginResult with a token pair. */
export async function completeLogin(
  state: BackendState,
  user: User,
  device: { deviceId: string; ipAddress: string | null; amr: readonly string[] },
): Promise<LoginResultShape> {
  const now = state.clock.now()
  // The token service drops the user's oldest session past its cap: drop what hangs on it too.
  const owned = state.tokens.userSessions(user.id)
  for (const evicted of owned.slice(0, Math.max(0, owned.length - state.config.limits.sessionsPerUser + 1))) forgetSession(state, evicted.id)
  const session = state.tokens.startSession({ userId: user.id, surface: 'platform', deviceId: device.deviceId, amr: device.amr })
  sessionMeta(state).set(session.id, {
    userId: user.id,
    deviceId: device.deviceId,
    ipAddress: device.ipAddress,
    loginAt: now,
    previousLoginAt: user.lastLoginAt,
  })
  const updated = state.users.update(user.id, { lastLoginAt: now, lastLoginDevice: device.deviceId })
  const refresh = state.tokens.issueRefreshToken(session, state.config.platform.refreshTokenTtlSeconds)
  return tokensFor(state, updated, session, refresh.token)
}

/** Revokes one platform session and forgets what hangs on it. */
export function endSession(state: BackendState, sessionId: string): void {
  state.tokens.revokeSession(sessionId)
  forgetSession(state, sessionId)
}

/**
 * After a password change or reset: revokes every session of the user on every surface (a
 * password is shared by all of them) and forgets the user's pending platform challenges. Visits
 * only that user's sessions (per-user indexes).
 */
export function revokeAllSessions(state: BackendState, userId: string): void {
  const { revoked } = state.tokens.revokeUserSessions(userId)
  for (const id of revoked) forgetSession(state, id)
  dropUserPendingLogins(state, userId)
}
