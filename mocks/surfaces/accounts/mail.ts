/**
 * The mails django-graphql-auth sends, delivered to the outbox with the action token in `token`
 * and the link `<origin>/<path>/<token>` in `body` (the request's origin stands in for Django's
 * current site). With `mailEnabled: false` nothing is sent and the caller answers EMAIL_FAIL; mails
 * count against the shared `codeSends` throttle per account, client and address.
 */
import type { User } from '../../state/types'
import { ACTIONS, createActionToken, type Action } from './action-tokens'
import type { AccountsContext } from './context'
import { loginName } from './jwt'
import { error, type Output } from './output'
import { take } from './throttle'

export type MailKind = 'activation' | 'activation_resend' | 'password_reset' | 'activation_secondary_email' | 'password_set'

type PathSetting = 'activationPath' | 'secondaryEmailPath' | 'passwordResetPath' | 'passwordSetPath'

const MAILS: Record<MailKind, { action: Action; path: PathSetting; subject: string; lead: string }> = {
  activation: { action: ACTIONS.activation, path: 'activationPath', subject: 'Activate your account on', lead: 'Activate your account with this link:' },
  activation_resend: { action: ACTIONS.activation, path: 'activationPath', subject: 'Activate your account on', lead: 'Activate your account with this link:' },
  activation_secondary_email: { action: ACTIONS.secondaryEmail, path: 'secondaryEmailPath', subject: 'Activate your account on', lead: 'Confirm this address as your secondary email with this link:' },
  password_reset: { action: ACTIONS.passwordReset, path: 'passwordResetPath', subject: 'Reset your password on', lead: 'Choose a new password with this link:' },
  password_set: { action: ACTIONS.passwordSet, path: 'passwordSetPath', subject: 'Set your password on', lead: 'Choose your password with this link:' },
}

/**
 * Sends one action mail to `to`: null when sent, else the output to answer with: EMAIL_FAIL when
 * mail is switched off, `throttled` when the account, client or address had too many mails.
 */
export async function sendActionMail(ctx: AccountsContext, user: User, kind: MailKind, to: string, secondaryEmail?: string): Promise<Output | null> {
  const { state } = ctx
  if (!state.config.mailEnabled) return error('EMAIL_FAIL')
  const taken = take(ctx, 'codeSends', { account: user.id, destination: to })
  if (!taken.ok) return taken.output
  const mail = MAILS[kind]
  const token = await createActionToken(state, {
    username: loginName(user),
    action: mail.action,
    ...(secondaryEmail ? { secondary_email: secondaryEmail } : {}),
  })
  const { origin, host } = ctx.request.url
  const link = `${origin}/${encodeURI(state.config.accounts[mail.path].replace(/^\/+|\/+$/g, ''))}/${token}`
  state.outbox.send({
    channel: 'email',
    to,
    purpose: `accounts.${kind}`,
    subject: `${mail.subject} ${host}`,
    body: `${host}\n\nHello ${loginName(user)}!\n\n${mail.lead}\n${link}\n`,
    code: null,
    token,
  })
  return null
}
