/**
 * The surface's private bookkeeping (pending 2FA logins, pending password changes, session
 * metadata, password resets). It lives in `state.scratch`, so `POST /__mock/reset` clears it.
 */
import type { BackendState } from '../../../state/types'
import { codeKey, type Challenge } from './codes'

/** A login that waits for its emailed code; its `id` is the `sessionId` confirm2Fa/resend2Fa take. */
export interface PendingLogin extends Challenge {
  id: string
  userId: string
  deviceId: string
  ipAddress: string | null
}

/** A password change (of a 2FA user) that waits for its emailed code; keyed by the caller's session. */
export interface PendingPasswordChange extends Challenge {
  sessionId: string
  userId: string
  newPassword: string
}

export interface SessionMeta {
  userId: string
  deviceId: string
  ipAddress: string | null
  loginAt: number
  previousLoginAt: number | null
}

/** Codes asked for with send2Fa (e.g. to confirm disable2Fa); keyed by the caller's session id. */
export const onDemandCodes = (s: BackendState) => s.scratch('platform.onDemandCodes', () => new Map<string, Challenge>())

/** A requested password reset; keyed by user id. */
export type ResetChallenge = Challenge

export const pendingLogins = (s: BackendState) =>
  s.scratch('platform.pendingLogins', () => new Map<string, PendingLogin>())
/** Pending-login ids per user, oldest first, so revoking a user's logins visits only theirs. */
const pendingLoginsByUser = (s: BackendState) => s.scratch('platform.pendingLoginsByUser', () => new Map<string, Set<string>>())
/** Pending logins kept per user; a newer one drops the oldest (bounded state). */
export const PENDING_LOGINS_PER_USER = 10
export const pendingChanges = (s: BackendState) =>
  s.scratch('platform.pendingPasswordChanges', () => new Map<string, PendingPasswordChange>())
export const sessionMeta = (s: BackendState) => s.scratch('platform.sessions', () => new Map<string, SessionMeta>())
export const resetChallenges = (s: BackendState) => s.scratch('platform.resets', () => new Map<string, ResetChallenge>())
/** A reset asked for (or guessed at) an address without a live reset: answered like a real one (no enumeration). */
export interface ResetDecoy {
  /** Started by forgotPassword (a flow), rather than by guesses with no reset asked for. */
  requested: boolean
  attemptsLeft: number
  expiresAt: number
  flowExpiresAt: number
}
export const resetDecoys = (s: BackendState) => s.scratch('platform.resetDecoys', () => new Map<string, ResetDecoy>())

/** Records a pending login (the user's oldest is dropped past `PENDING_LOGINS_PER_USER`). */
export function addPendingLogin(state: BackendState, pending: PendingLogin): void {
  const index = pendingLoginsByUser(state)
  let ids = index.get(pending.userId)
  if (!ids) index.set(pending.userId, (ids = new Set()))
  for (const oldest of ids) {
    if (ids.size < PENDING_LOGINS_PER_USER) break
    dropPendingLogin(state, oldest)
  }
  ids.add(pending.id)
  pendingLogins(state).set(pending.id, pending)
}

/** Forgets a pending login and its code. */
export function dropPendingLogin(state: BackendState, id: string): void {
  state.codes.revoke(codeKey('login', id))
  const pending = pendingLogins(state).get(id)
  pendingLogins(state).delete(id)
  if (pending) pendingLoginsByUser(state).get(pending.userId)?.delete(id)
}

/** Forgets every pending login of the user. */
export function dropUserPendingLogins(state: BackendState, userId: string): void {
  for (const id of [...(pendingLoginsByUser(state).get(userId) ?? [])]) dropPendingLogin(state, id)
}

/** Forgets everything the surface keeps for a session: metadata, pending change, send2Fa code. */
export function forgetSession(state: BackendState, sessionId: string): void {
  sessionMeta(state).delete(sessionId)
  dropPendingChange(state, sessionId)
  onDemandCodes(state).delete(sessionId)
  state.codes.revoke(codeKey('send2Fa', sessionId))
}

/** Forgets the pending password change of a session and its code. */
export function dropPendingChange(state: BackendState, sessionId: string): void {
  state.codes.revoke(codeKey('changePassword', sessionId))
  pendingChanges(state).delete(sessionId)
}
