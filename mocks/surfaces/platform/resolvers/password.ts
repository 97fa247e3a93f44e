/**
 * Password reset (`forgotPassword`, `confirmPasswordReset`) and password change
 * (`changePassword`, and `confirmChangePassword2Fa`/`resendChangePassword2Fa` for users with 2FA
 * on). A password change (direct or after 2FA) and a password reset revoke every platform session
 * of the user; changePassword/confirmChangePassword2Fa then open a fresh session for the caller
 * (same device) and return its token pair, so the caller's old tokens stop working too.
 */
import { uuid } from '../../../state/random'
import type { BackendState, SessionRecord, User } from '../../../state/types'
import { platformError } from '../errors'
import { DEFAULT_CODE_FLOW_MS } from '../../../state/codes'
import { attemptsExhausted, codeKey, consumeCode, requireLive, requireMail, sendCode } from './codes'
import { clientIp, type PlatformContext, type Resolver } from './context'
import { requireCurrentPassword, requirePasswordPolicy } from './credentials'
import {
  PLATFORM_STATUS_OK,
  pendingLoginResult,
  twoFactorResult,
  type LoginResultShape,
  type TwoFactorAuthResultShape,
} from './results'
import { pendingChanges, resetChallenges, resetDecoys, sessionMeta, type PendingPasswordChange, type ResetChallenge, type ResetDecoy } from './scratch'
import { completeLogin, revokeAllSessions } from './sessions'
import { takeOrThrow } from './throttle'

/**
 * Mails a reset code. A reset is a flow (`codeKey('passwordReset', userId)`): asking again within
 * it mails a new code but keeps the attempts left, and a flow whose attempts are spent mails
 * nothing until it ends. Unknown addresses go through a decoy flow with the same throttles,
 * attempts and expiry, so no answer tells whether the account exists.
 */
export const forgotPassword: Resolver = (_root, args, ctx) => {
  const { state } = ctx
  const email = String(args['email'])
  const user = state.users.findByEmail(email)
  if (user?.email && state.config.mailEnabled) {
    // Guesses made before any reset was asked for went to a decoy; the real flow starts afresh.
    resetDecoys(state).delete(email.trim().toLowerCase())
    const current = state.codes.peek(codeKey('passwordReset', user.id))
    const inFlow = current !== undefined && state.clock.now() < (current.flowExpiresAt ?? 0)
    if (inFlow && current.attemptsLeft <= 0) {
      takeOrThrow(ctx, 'codeSends', { account: user.id, destination: user.email })
      return { status: PLATFORM_STATUS_OK }
    }
    const challenge: ResetChallenge = (inFlow && resetChallenges(state).get(user.id)) || { dead: false, expiresAt: 0 }
    resetChallenges(state).set(user.id, challenge)
    challenge.expiresAt = sendCode(ctx, 'passwordReset', user, user.id)
  } else {
    const key = email.trim().toLowerCase()
    takeOrThrow(ctx, 'codeSends', { account: key, destination: key })
    startDecoy(state, key)
  }
  return { status: PLATFORM_STATUS_OK }
}

/** Decoy resets kept at most (the oldest go first): an attacker cannot grow the map without limit. */
export const MAX_RESET_DECOYS = 10_000

/** The decoy of a reset asked for an unknown address: attempts and expiry like a real flow's. */
function startDecoy(state: BackendState, key: string): void {
  const now = state.clock.now()
  const ttlMs = state.config.platform.resetCodeTtlSeconds * 1000
  const current = resetDecoys(state).get(key)
  // Like a real flow: only an earlier request (not guesses without one) keeps its attempts.
  const inFlow = current !== undefined && current.requested && now < current.flowExpiresAt
  putDecoy(state, key, {
    requested: true,
    attemptsLeft: inFlow ? current.attemptsLeft : state.config.platform.twoFactorMaxAttempts,
    expiresAt: now + ttlMs,
    flowExpiresAt: inFlow ? current.flowExpiresAt : now + Math.max(ttlMs, DEFAULT_CODE_FLOW_MS),
  })
}

/** Stores a decoy as the newest, dropping the oldest past `MAX_RESET_DECOYS`. */
function putDecoy(state: BackendState, key: string, decoy: ResetDecoy): void {
  const decoys = resetDecoys(state)
  decoys.delete(key)
  decoys.set(key, decoy)
  for (const oldest of decoys.keys()) {
    if (decoys.size <= MAX_RESET_DECOYS) break
    decoys.delete(oldest)
  }
}

/**
 * A guess at a decoy reset: wrong, expired or exhausted, in the order a real flow answers. Counted
 * against the same account bucket the real flow uses (the user's id when the address has one).
 */
function guessDecoy(ctx: PlatformContext, key: string, account: string): never {
  const { state } = ctx
  takeOrThrow(ctx, 'codeFailures', { account })
  const now = state.clock.now()
  const decoy = resetDecoys(state).get(key) ?? { requested: false, attemptsLeft: state.config.platform.twoFactorMaxAttempts, expiresAt: Number.POSITIVE_INFINITY, flowExpiresAt: now + DEFAULT_CODE_FLOW_MS }
  if (decoy.attemptsLeft <= 0) throw attemptsExhausted()
  if (now >= decoy.expiresAt) throw platformError('CODE_EXPIRED')
  decoy.attemptsLeft -= 1
  putDecoy(state, key, decoy)
  if (decoy.attemptsLeft > 0) throw platformError('INVALID_CODE', { attemptsLeft: decoy.attemptsLeft })
  throw attemptsExhausted()
}

export const confirmPasswordReset: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const params = args['passwordResetParams'] as { email: string; code: string; newPassword: string }
  requirePasswordPolicy(state, params.newPassword, 'newPassword')
  const user = state.users.findByEmail(params.email)
  const challenge = user ? resetChallenges(state).get(user.id) : undefined
  // Unknown address or no reset requested: behave like a live reset with a wrong code.
  if (!user || !challenge) guessDecoy(ctx, params.email.trim().toLowerCase(), user?.id ?? params.email.trim().toLowerCase())
  requireLive(challenge)
  consumeCode(ctx, 'passwordReset', user.id, params.code, challenge)
  resetChallenges(state).delete(user.id)
  await state.users.setPassword(user.id, params.newPassword)
  revokeAllSessions(state, user.id)
  return { status: PLATFORM_STATUS_OK }
}

export const changePassword: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const newPassword = String(args['newPassword'])
  await requireCurrentPassword(ctx, user, String(args['oldPassword']), 'oldPassword', 'The current password is incorrect.')
  requirePasswordPolicy(state, newPassword, 'newPassword')
  if (!user.twoFactor) return applyPasswordChange(ctx, user, session, newPassword)

  requireMail(state, user)
  const change: PendingPasswordChange = { sessionId: session.id, userId: user.id, newPassword, dead: false, expiresAt: 0 }
  pendingChanges(state).set(session.id, change)
  change.expiresAt = sendCode(ctx, 'changePassword', user, session.id)
  const meta = sessionMeta(state).get(session.id)
  return pendingLoginResult(user, session.id, meta?.deviceId ?? session.deviceId)
}

async function applyPasswordChange(
  ctx: PlatformContext,
  user: User,
  session: SessionRecord,
  newPassword: string,
): Promise<LoginResultShape> {
  const { state } = ctx
  const meta = sessionMeta(state).get(session.id)
  const deviceId = meta?.deviceId ?? session.deviceId ?? uuid()
  const ipAddress = meta?.ipAddress ?? clientIp(ctx.request)
  const updated = await state.users.setPassword(user.id, newPassword)
  revokeAllSessions(state, user.id)
  // The caller's new session proves what the old one did.
  return completeLogin(state, updated, { deviceId, ipAddress, amr: session.amr })
}

function pendingChangeFor(state: BackendState, sessionId: string): PendingPasswordChange {
  const change = pendingChanges(state).get(sessionId)
  if (!change) throw platformError('NO_PENDING_CHALLENGE')
  requireLive(change)
  return change
}

export const confirmChangePassword2Fa: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const change = pendingChangeFor(state, session.id)
  consumeCode(ctx, 'changePassword', session.id, String(args['code']), change)
  pendingChanges(state).delete(session.id)
  return applyPasswordChange(ctx, user, session, change.newPassword)
}

export const resendChangePassword2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const change = pendingChangeFor(state, session.id)
  requireMail(state, user)
  change.expiresAt = sendCode(ctx, 'changePassword', user, session.id)
  return twoFactorResult(session.id, user.twoFactor)
}
