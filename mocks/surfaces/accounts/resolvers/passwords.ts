/** `sendPasswordResetEmail`, `passwordReset`, `passwordSet`, `passwordChange`. */
import type { User } from '../../../state/types'
import { ACTIONS, type Action } from '../action-tokens'
import type { AccountsContext } from '../context'
import { attributesOf, emailErrors, FormErrors, newPasswordErrors } from '../forms'
import { revokeUserTokens, signIn } from '../jwt'
import { sendActionMail } from '../mail'
import { error, failed, ok, type Output } from '../output'
import { actionTokenUser, confirmPassword, userByEmail, verifiedUserRequired } from './guards'
import { text, type MutationImpl } from './types'

/** The stored spelling of the address that matched (primary or secondary), so the mail goes where it was asked. */
function matchingAddress(user: User, asked: string): string {
  const wanted = asked.toLowerCase()
  if (user.email?.toLowerCase() === wanted) return user.email
  return user.secondaryEmail?.toLowerCase() === wanted ? user.secondaryEmail : asked
}

/**
 * Unknown address → success. Unverified user → a new activation mail and
 * `{ email: NOT_VERIFIED_PASSWORD_RESET }`. Otherwise the reset link goes to the address given.
 */
export const sendPasswordResetEmail: MutationImpl = async (args, ctx) => {
  const email = text(args['email'])?.trim() ?? null
  const invalid = emailErrors(email)
  if (invalid.length) return failed({ email: invalid })
  const user = userByEmail(ctx.state, email!)
  if (!user) return ok()
  if (!user.verified) {
    const unsent = await sendActionMail(ctx, user, 'activation_resend', user.email ?? email!)
    if (unsent) return unsent
    return error('NOT_VERIFIED_PASSWORD_RESET', 'email')
  }
  const unsent = await sendActionMail(ctx, user, 'password_reset', matchingAddress(user, email!))
  if (unsent) return unsent
  return ok()
}

/** The token, then the set-password form; then every session of the user ends and an unverified account becomes verified. */
async function setPasswordWithToken(
  ctx: AccountsContext,
  args: Record<string, unknown>,
  action: Action,
  maxAgeSeconds: number,
  refuse?: (user: User) => Output | null,
): Promise<Output> {
  const { state } = ctx
  const found = await actionTokenUser(ctx, args['token'], action, maxAgeSeconds)
  if ('output' in found) return found.output
  const { user } = found
  const [first, second] = [text(args['newPassword1']), text(args['newPassword2'])]
  const form = new FormErrors()
  newPasswordErrors(state, form, ['newPassword1', 'newPassword2'], [first, second], attributesOf(user))
  const errors = form.result()
  if (errors) return failed(errors)
  const refused = refuse?.(user)
  if (refused) return refused
  revokeUserTokens(state, user)
  await state.users.setPassword(user.id, first!)
  if (!user.verified) state.users.update(user.id, { verified: true, emailVerifiedAt: state.clock.now() })
  return ok()
}

export const passwordReset: MutationImpl = (args, ctx) =>
  setPasswordWithToken(ctx, args, ACTIONS.passwordReset, ctx.state.config.accounts.passwordResetTokenTtlSeconds)

/** Only for an account without a usable password (passwordless registration). */
export const passwordSet: MutationImpl = (args, ctx) =>
  setPasswordWithToken(ctx, args, ACTIONS.passwordSet, ctx.state.config.accounts.passwordSetTokenTtlSeconds, (user) =>
    user.passwordHash !== null ? error('PASSWORD_ALREADY_SET') : null,
  )

/** Old password → new-password form → every session ends, and a new token pair is returned. */
export const passwordChange: MutationImpl = verifiedUserRequired(async ({ user }, args, ctx) => {
  const { state } = ctx
  const wrong = await confirmPassword(ctx, user, args['oldPassword'], 'oldPassword')
  if (wrong) return wrong
  const [first, second] = [text(args['newPassword1']), text(args['newPassword2'])]
  const form = new FormErrors()
  newPasswordErrors(state, form, ['newPassword1', 'newPassword2'], [first, second], attributesOf(user))
  const errors = form.result()
  if (errors) return failed(errors)
  revokeUserTokens(state, user)
  const updated = await state.users.setPassword(user.id, first!)
  const pair = await signIn(state, updated)
  return ok({ token: pair.token, refreshToken: pair.refreshToken })
})
