/** `archiveAccount`, `deleteAccount`, `updateAccount` (each for a signed-in, verified user). */
import { FormErrors, maxLengthErrors, NAME_MAX } from '../forms'
import { revokeUserTokens } from '../jwt'
import { failed, ok } from '../output'
import { confirmPassword, verifiedUserRequired } from './guards'
import { text } from './types'

/** Django's last_name limit (first_name's is NAME_MAX). */
const LAST_NAME_MAX = 150

/** Archived until the next sign-in; every session ends. */
export const archiveAccount = verifiedUserRequired(async ({ user }, args, ctx) => {
  const wrong = await confirmPassword(ctx, user, args['password'], 'password')
  if (wrong) return wrong
  revokeUserTokens(ctx.state, user)
  ctx.state.users.update(user.id, { archived: true })
  return ok()
})

/** Deactivated (`isActive: false`), or removed for good with `accounts.allowDeleteAccount`; every session ends. */
export const deleteAccount = verifiedUserRequired(async ({ user }, args, ctx) => {
  const { state } = ctx
  const wrong = await confirmPassword(ctx, user, args['password'], 'password')
  if (wrong) return wrong
  revokeUserTokens(state, user)
  if (state.config.accounts.allowDeleteAccount) state.users.delete(user.id)
  else state.users.update(user.id, { isActive: false })
  return ok()
})

/** Fields left out (or null) keep their values. */
export const updateAccount = verifiedUserRequired(async ({ user }, args, ctx) => {
  const firstName = text(args['firstName'])
  const lastName = text(args['lastName'])
  const form = new FormErrors()
  form.add('firstName', maxLengthErrors(firstName, NAME_MAX))
  form.add('lastName', maxLengthErrors(lastName, LAST_NAME_MAX))
  const errors = form.result()
  if (errors) return failed(errors)
  ctx.state.users.update(user.id, {
    ...(firstName !== null ? { firstName: firstName.trim() } : {}),
    ...(lastName !== null ? { lastName: lastName.trim() } : {}),
  })
  return ok()
})
