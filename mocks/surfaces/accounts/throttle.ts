/**
 * The accounts surface's use of the shared throttles (`state.limits`; django-graphql-auth has
 * none): wrong passwords, mails sent and registrations are counted per account, per client and per
 * destination. A throttled call answers in its output, like every accounts error:
 * `{ <field>: [{ message: "… Try again in N seconds.", code: "throttled" }] }`.
 */
import { clientOf, type ThrottleName, type ThrottleSubject } from '../../state/limits'
import type { User } from '../../state/types'
import type { AccountsContext } from './context'
import { throttled } from './messages'
import { failed, type Output } from './output'

export type Take = { ok: true; release(): void } | { ok: false; output: Output }

/** Counts one event for the caller's client and `subject`. */
export function take(ctx: AccountsContext, name: ThrottleName, subject: Omit<ThrottleSubject, 'client'>, field = 'nonFieldErrors'): Take {
  const taken = ctx.state.limits.take(name, { ...subject, client: clientOf(ctx.request) })
  if (taken.ok) return taken
  return { ok: false, output: failed({ [field]: throttled(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))) }) }
}

/**
 * A throttled password check: counted before the slow hash comparison and taken back when the
 * password is right, so only failures count and concurrent or aliased guesses are all seen. An
 * unknown account is counted under the identifier as typed, so it is throttled alike.
 */
export async function checkPassword(
  ctx: AccountsContext,
  user: User | undefined,
  typedAccount: string,
  password: unknown,
  field = 'nonFieldErrors',
): Promise<{ ok: boolean } | { ok: false; output: Output }> {
  const taken = take(ctx, 'passwordFailures', { account: user?.id ?? typedAccount.trim().toLowerCase() }, field)
  if (!taken.ok) return taken
  const ok = typeof password === 'string' && (await ctx.state.users.checkPassword(user, password))
  if (ok) taken.release()
  return { ok }
}
