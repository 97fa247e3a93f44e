/**
 * The platform's use of the shared throttles (`state.limits`): password checks, code sends and
 * code guesses are counted per account and per client; a throttled call fails with RATE_LIMITED
 * and `extensions.retryAfterMs` (the HTTP layer adds `Retry-After`).
 */
import { checkPasswordThrottled } from '../../../state/password-attempts'
import { clientOf, type ThrottleName, type ThrottleSubject } from '../../../state/limits'
import type { User } from '../../../state/types'
import { platformError, type PlatformError } from '../errors'
import type { PlatformContext } from './context'

export function rateLimited(retryAfterMs: number): PlatformError {
  return platformError('RATE_LIMITED', { retryAfterMs })
}

/** Counts one event for the caller's client and `subject`; throws RATE_LIMITED when a limit is reached. Returns the release. */
export function takeOrThrow(ctx: PlatformContext, name: ThrottleName, subject: Omit<ThrottleSubject, 'client'>): () => void {
  const taken = ctx.state.limits.take(name, { ...subject, client: clientOf(ctx.request) })
  if (!taken.ok) throw rateLimited(taken.retryAfterMs)
  return taken.release
}

/**
 * A throttled password check (`checkPasswordThrottled`): only failures count, concurrent or
 * aliased guesses are all seen, and concurrent sign-ins of one account wait rather than fail. The account is the user's id, or for an unknown user the identifier as typed, so
 * unknown accounts are throttled the same way.
 */
export async function passwordMatches(ctx: PlatformContext, typed: string, user: User | undefined, password: string): Promise<boolean> {
  const checked = await checkPasswordThrottled(ctx.state, ctx.request, user?.id ?? typed.trim().toLowerCase(), user, password)
  if (!checked.ok) throw rateLimited(checked.retryAfterMs)
  return checked.matches
}
