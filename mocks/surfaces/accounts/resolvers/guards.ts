/**
 * django-graphql-auth's decorators: `login_required` + `verification_required` (in that order)
 * and `password_confirmation_required`, plus the lookups shared by the token-link mutations.
 */
import type { BackendState, User } from '../../../state/types'
import { readActionToken, type Action, type ActionPayload } from '../action-tokens'
import type { AccountsContext, Viewer } from '../context'
import { error, type Output } from '../output'
import { checkPassword } from '../throttle'
import type { MutationImpl } from './types'

/** UNAUTHENTICATED without a JWT, NOT_VERIFIED for an unverified user, both in the output. */
export function verifiedUserRequired(run: (viewer: Viewer, args: Record<string, unknown>, ctx: AccountsContext) => Promise<Output>): MutationImpl {
  return async (args, ctx) => {
    const viewer = await ctx.viewer()
    if (!viewer) return error('UNAUTHENTICATED')
    if (!viewer.user.verified) return error('NOT_VERIFIED')
    return run(viewer, args, ctx)
  }
}

/**
 * null when `password` is the user's password; otherwise the output to answer with:
 * `{ [field]: INVALID_PASSWORD }`, or `throttled` while too many wrong passwords are recent.
 */
export async function confirmPassword(ctx: AccountsContext, user: User, password: unknown, field: string): Promise<Output | null> {
  const checked = await checkPassword(ctx, user, user.id, password, field)
  if ('output' in checked) return checked.output
  return checked.ok ? null : error('INVALID_PASSWORD', field)
}

/** The user an action token's `username` names (users created without a username go by email). */
export function userByLoginName(state: BackendState, name: string): User | undefined {
  return state.users.findByUsername(name) ?? (name.includes('@') ? state.users.findByEmail(name) : undefined)
}

/** The token's payload and user, or the EXPIRED_TOKEN / INVALID_TOKEN output. */
export async function actionTokenUser(
  ctx: AccountsContext,
  token: unknown,
  action: Action,
  maxAgeSeconds: number,
): Promise<{ user: User; payload: ActionPayload } | { output: Output }> {
  const check = await readActionToken(ctx.state, token, action, maxAgeSeconds)
  if (!check.ok) return { output: error(check.reason === 'expired' ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN') }
  const user = userByLoginName(ctx.state, check.payload.username)
  return user ? { user, payload: check.payload } : { output: error('INVALID_TOKEN') }
}

/** The user a primary or secondary address belongs to (django-graphql-auth's get_user_by_email). */
export const userByEmail = (state: BackendState, email: string): User | undefined => state.users.findByEmail(email, { includeSecondary: true })
