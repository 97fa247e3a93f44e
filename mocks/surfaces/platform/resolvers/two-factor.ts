/** Two-factor settings of the caller (`enable2Fa`, `disable2Fa`) and on-demand codes (`send2Fa`). */
import type { User } from '../../../state/types'
import { platformError } from '../errors'
import { consumeCode, requireLive, requireMail, sendCode, type Challenge } from './codes'
import { onDemandCodes } from './scratch'
import type { PlatformContext, Resolver } from './context'
import { requireCurrentPassword } from './credentials'
import { twoFactorResult, type TwoFactorAuthResultShape } from './results'

/** `password` is optional on these mutations; when given it must be right. */
async function checkOptionalPassword(ctx: PlatformContext, user: User, password: unknown): Promise<void> {
  if (password == null) return
  await requireCurrentPassword(ctx, user, String(password), 'password', 'The password is incorrect.')
}

export const enable2Fa: Resolver = async (_root, args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { user } = await ctx.caller()
  await checkOptionalPassword(ctx, user, args['password'])
  if (!user.email) {
    throw platformError('BAD_USER_INPUT', {}, 'Two-factor codes are sent by email; the account has no email address.')
  }
  const updated = user.twoFactor ? user : ctx.state.users.update(user.id, { twoFactor: true })
  return twoFactorResult(null, updated.twoFactor)
}

/**
 * Switching the second factor off needs proof beyond the token (a stolen token alone must not do
 * it): the password, or the code of a fresh `send2Fa` for this session.
 */
export const disable2Fa: Resolver = async (_root, args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { user, session } = await ctx.caller()
  if (args['password'] != null) await checkOptionalPassword(ctx, user, args['password'])
  else if (args['code'] != null) {
    const challenge = onDemandCodes(ctx.state).get(session.id)
    if (!challenge) throw platformError('NO_PENDING_CHALLENGE', {}, 'Request a code with send2Fa first.')
    requireLive(challenge)
    consumeCode(ctx, 'send2Fa', session.id, String(args['code']), challenge)
    onDemandCodes(ctx.state).delete(session.id)
  } else {
    throw platformError('BAD_USER_INPUT', { field: 'password' }, 'Confirm with your password, or a code from send2Fa, to turn two-factor authentication off.')
  }
  const updated = user.twoFactor ? ctx.state.users.update(user.id, { twoFactor: false }) : user
  return twoFactorResult(null, updated.twoFactor)
}

export const send2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  requireMail(state, user)
  const challenge: Challenge = onDemandCodes(state).get(session.id) ?? { dead: false, expiresAt: 0 }
  onDemandCodes(state).set(session.id, challenge)
  challenge.expiresAt = sendCode(ctx, 'send2Fa', user, session.id)
  return twoFactorResult(session.id, user.twoFactor)
}
