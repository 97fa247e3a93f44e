/** Two-factor settings of the caller (`enable2Fa`, `disable2Fa`) and on-demand codes (`send2Fa`). */
import type { User } from '../../../state/types'
import { platformError } from '../errors'
import { requireMail, sendCode } from './codes'
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

/** Switching the second factor off needs the password: a stolen token alone must not do it. */
export const disable2Fa: Resolver = async (_root, args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { user } = await ctx.caller()
  if (args['password'] == null) {
    throw platformError('BAD_USER_INPUT', { field: 'password' }, 'Confirm with your password to turn two-factor authentication off.')
  }
  await checkOptionalPassword(ctx, user, args['password'])
  const updated = user.twoFactor ? ctx.state.users.update(user.id, { twoFactor: false }) : user
  return twoFactorResult(null, updated.twoFactor)
}

export const send2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  requireMail(state, user)
  sendCode(ctx, 'send2Fa', user, session.id)
  return twoFactorResult(session.id, user.twoFactor)
}
