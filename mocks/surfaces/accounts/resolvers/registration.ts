/** `register`, `verifyAccount`, `resendActivationEmail`. */
import { ACTIONS } from '../action-tokens'
import { emailErrors, FormErrors, newPasswordErrors, usernameErrors } from '../forms'
import { signIn } from '../jwt'
import { sendActionMail } from '../mail'
import { take } from '../throttle'
import { error, failed, ok } from '../output'
import { MockInputError } from '../../../state/types'
import { actionTokenUser, userByEmail } from './guards'
import { text, type MutationImpl } from './types'

/**
 * Form errors per field → the email (anyone's primary or secondary) taken → the user, unverified
 * → the activation mail → a token pair while unverified users may sign in. A register that cannot
 * mail its activation link creates nobody.
 */
export const register: MutationImpl = async (args, ctx) => {
  const { state } = ctx
  const email = text(args['email'])?.trim() ?? null
  const username = text(args['username'])?.trim() ?? null
  const [password1, password2] = [text(args['password1']), text(args['password2'])]
  const form = new FormErrors()
  form.add('email', emailErrors(email))
  form.add('username', usernameErrors(state, username))
  newPasswordErrors(state, form, ['password1', 'password2'], [password1, password2], { username, email })
  const errors = form.result()
  if (errors) return failed(errors)
  // Registration tells whether an address is taken: counted per client, like the other surfaces.
  const registering = take(ctx, 'registrations', {})
  if (!registering.ok) return registering.output
  if (userByEmail(state, email!)) return error('EMAIL_IN_USE', 'email')
  const mails = state.config.accounts.sendActivationEmail
  if (mails && !state.config.mailEnabled) return error('EMAIL_FAIL')

  let user
  try {
    user = await state.users.create({ email, username, password: password1, verified: false })
  } catch (caught) {
    // Another register took the address or name while this one was hashing.
    if (caught instanceof MockInputError && caught.code === 'email_in_use') return error('EMAIL_IN_USE', 'email')
    if (caught instanceof MockInputError && caught.code === 'username_in_use') return failed({ username: usernameErrors(state, username) })
    throw caught
  }
  const unsent = mails ? await sendActionMail(ctx, user, 'activation', user.email!) : null
  if (unsent) {
    state.users.delete(user.id)
    return unsent
  }
  if (!state.config.accounts.allowLoginNotVerified) return ok({ token: null, refreshToken: null })
  const pair = await signIn(state, user)
  return ok({ token: pair.token, refreshToken: pair.refreshToken })
}

export const verifyAccount: MutationImpl = async (args, ctx) => {
  const { state } = ctx
  const found = await actionTokenUser(ctx, args['token'], ACTIONS.activation, state.config.accounts.activationTokenTtlSeconds)
  if ('output' in found) return found.output
  if (found.user.verified) return error('ALREADY_VERIFIED')
  state.users.update(found.user.id, { verified: true, emailVerifiedAt: state.clock.now() })
  return ok()
}

/** An unknown address succeeds (nothing tells whether it has an account); a verified one is ALREADY_VERIFIED. */
export const resendActivationEmail: MutationImpl = async (args, ctx) => {
  const email = text(args['email'])?.trim() ?? null
  const invalid = emailErrors(email)
  if (invalid.length) return failed({ email: invalid })
  const user = userByEmail(ctx.state, email!)
  if (!user) return ok()
  if (user.verified) return error('ALREADY_VERIFIED', 'email')
  const unsent = await sendActionMail(ctx, user, 'activation_resend', user.email ?? email!)
  if (unsent) return unsent
  return ok()
}
