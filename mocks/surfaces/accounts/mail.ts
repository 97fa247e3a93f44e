/**
 * The mails django-graphql-auth sends, delivered to the outbox with the action token in `token`
 * and the link `<origin>/<path>/<token>` in `body` (the request's origin stands in for Django's
 * current site). With `mailEnabled: false` nothing is sent and the caller answers EMAIL_FAIL.
 */
import type { User } from '../../state/types'
import { ACTIONS, createActionToken, type Action } from './action-tokens'
import type { AccountsContext } from './context'
import { loginName } from './jwt'

export type MailKind = 'activation' | 'activation_resend' | 'password_reset' | 'activation_secondary_email' | 'password_set'

const MAILS: Record<MailKind, { action: Action; path: string; subject: string; lead: string }> = {
  activation: { action: ACTIONS.activation, path: 'activate', subject: 'Activate your account on', lead: 'Activate your account with this link:' },
  activation_resend: { action: ACTIONS.activation, path: 'activate', subject: 'Activate your account on', lead: 'Activate your account with this link:' },
  activation_secondary_email: { action: ACTIONS.secondaryEmail, path: 'activate', subject: 'Activate your account on', lead: 'Confirm this address as your secondary email with this link:' },
  password_reset: { action: ACTIONS.passwordReset, path: 'password-reset', subject: 'Reset your password on', lead: 'Choose a new password with this link:' },
  password_set: { action: ACTIONS.passwordSet, path: 'password-set', subject: 'Set your password on', lead: 'Choose your password with this link:' },
}

/** Sends one action mail to `to`; false when mail is switched off (nothing is sent then). */
export async function sendActionMail(ctx: AccountsContext, user: User, kind: MailKind, to: string, secondaryEmail?: string): Promise<boolean> {
  const { state } = ctx
  if (!state.config.mailEnabled) return false
  const mail = MAILS[kind]
  const token = await createActionToken(state, {
    username: loginName(user),
    action: mail.action,
    ...(secondaryEmail ? { secondary_email: secondaryEmail } : {}),
  })
  const { origin, host } = ctx.request.url
  const link = `${origin}/${mail.path}/${token}`
  state.outbox.send({
    channel: 'email',
    to,
    purpose: `accounts.${kind}`,
    subject: `${mail.subject} ${host}`,
    body: `${host}\n\nHello ${loginName(user)}!\n\n${mail.lead}\n${link}\n`,
    code: null,
    token,
  })
  return true
}
