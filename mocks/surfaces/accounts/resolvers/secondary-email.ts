/** `sendSecondaryEmailActivation`, `verifySecondaryEmail`, `swapEmails`, `removeSecondaryEmail`. */
import { ACTIONS } from '../action-tokens'
import type { AccountsContext, Viewer } from '../context'
import { emailErrors } from '../forms'
import { sendActionMail } from '../mail'
import { error, failed, ok, type Output } from '../output'
import { actionTokenUser, confirmPassword, userByEmail, verifiedUserRequired } from './guards'
import { text, type MutationImpl } from './types'

/** Password → address valid → not in use by anyone → the activation link goes to the new address. */
export const sendSecondaryEmailActivation = verifiedUserRequired(async ({ user }, args, ctx) => {
  const wrong = await confirmPassword(ctx, user, args['password'], 'password')
  if (wrong) return wrong
  const email = text(args['email'])?.trim() ?? null
  const invalid = emailErrors(email)
  if (invalid.length) return failed({ email: invalid })
  if (userByEmail(ctx.state, email!)) return error('EMAIL_IN_USE', 'email')
  const unsent = await sendActionMail(ctx, user, 'activation_secondary_email', email!, email!)
  if (unsent) return unsent
  return ok()
})

/** The address in the token becomes the secondary email, unless someone (anyone) uses it by now. */
export const verifySecondaryEmail: MutationImpl = async (args, ctx) => {
  const { state } = ctx
  const found = await actionTokenUser(ctx, args['token'], ACTIONS.secondaryEmail, state.config.accounts.secondaryEmailTokenTtlSeconds)
  if ('output' in found) return found.output
  const email = found.payload.secondary_email
  if (!email) return error('INVALID_TOKEN')
  if (userByEmail(state, email)) return error('EMAIL_IN_USE')
  state.users.update(found.user.id, { secondaryEmail: email })
  return ok()
}

/** SECONDARY_EMAIL_REQUIRED first, then the password. */
function withSecondaryEmail(change: (viewer: Viewer, ctx: AccountsContext) => void): MutationImpl {
  return verifiedUserRequired(async (viewer, args, ctx): Promise<Output> => {
    if (!viewer.user.secondaryEmail) return error('SECONDARY_EMAIL_REQUIRED')
    const wrong = await confirmPassword(ctx, viewer.user, args['password'], 'password')
    if (wrong) return wrong
    change(viewer, ctx)
    return ok()
  })
}

export const swapEmails = withSecondaryEmail(({ user }, ctx) => {
  ctx.state.users.update(user.id, { email: user.secondaryEmail, secondaryEmail: user.email })
})

export const removeSecondaryEmail = withSecondaryEmail(({ user }, ctx) => {
  ctx.state.users.update(user.id, { secondaryEmail: null })
})
