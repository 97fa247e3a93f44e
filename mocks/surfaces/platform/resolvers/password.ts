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
import { attemptsExhausted, consumeCode, requireLive, requireMail, sendCode } from './codes'
import { clientIp, type PlatformContext, type Resolver } from './context'
import { requireCurrentPassword, requirePasswordPolicy } from './credentials'
import {
  PLATFORM_STATUS_OK,
  pendingLoginResult,
  twoFactorResult,
  type LoginResultShape,
  type TwoFactorAuthResultShape,
} from './results'
import { pendingChanges, resetChallenges, resetDecoys, sessionMeta, type PendingPasswordChange, type ResetChallenge } from './scratch'
import { completeLogin, revokeAllSessions } from './sessions'

export const forgotPassword: Resolver = (_root, args, ctx) => {
  const { state } = ctx
  const email = String(args['email'])
  // The same answer whatever happens below: no account enumeration.
  resetDecoys(state).delete(email.trim().toLowerCase())
  const user = state.users.findByEmail(email)
  if (user?.email && state.config.mailEnabled) {
    const challenge: ResetChallenge = { dead: false, expiresAt: 0 }
    resetChallenges(state).set(user.id, challenge)
    challenge.expiresAt = sendCode(state, 'passwordReset', user, user.id)
  }
  return { status: PLATFORM_STATUS_OK }
}

export const confirmPasswordReset: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const params = args['passwordResetParams'] as { email: string; code: string; newPassword: string }
  requirePasswordPolicy(state, params.newPassword, 'newPassword')
  const user = state.users.findByEmail(params.email)
  const challenge = user ? resetChallenges(state).get(user.id) : undefined
  if (!user || !challenge) {
    // Unknown address or no reset requested: behave like a live reset with a wrong code.
    const key = params.email.trim().toLowerCase()
    const left = (resetDecoys(state).get(key) ?? state.config.platform.twoFactorMaxAttempts) - 1
    resetDecoys(state).set(key, Math.max(0, left))
    if (left > 0) throw platformError('INVALID_CODE', { attemptsLeft: left })
    throw attemptsExhausted()
  }
  requireLive(challenge)
  consumeCode(state, 'passwordReset', user.id, params.code, challenge)
  resetChallenges(state).delete(user.id)
  await state.users.setPassword(user.id, params.newPassword)
  revokeAllSessions(state, user.id)
  return { status: PLATFORM_STATUS_OK }
}

export const changePassword: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const newPassword = String(args['newPassword'])
  await requireCurrentPassword(state, user, String(args['oldPassword']), 'oldPassword', 'The current password is incorrect.')
  requirePasswordPolicy(state, newPassword, 'newPassword')
  if (!user.twoFactor) return applyPasswordChange(ctx, user, session, newPassword)

  requireMail(state, user)
  const change: PendingPasswordChange = { sessionId: session.id, userId: user.id, newPassword, dead: false, expiresAt: 0 }
  pendingChanges(state).set(session.id, change)
  change.expiresAt = sendCode(state, 'changePassword', user, session.id)
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
  consumeCode(state, 'changePassword', session.id, String(args['code']), change)
  pendingChanges(state).delete(session.id)
  return applyPasswordChange(ctx, user, session, change.newPassword)
}

export const resendChangePassword2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const change = pendingChangeFor(state, session.id)
  requireMail(state, user)
  change.expiresAt = sendCode(state, 'changePassword', user, session.id)
  return twoFactorResult(session.id, user.twoFactor)
}
