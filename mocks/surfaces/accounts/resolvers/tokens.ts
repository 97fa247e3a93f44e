/** `tokenAuth`, `verifyToken`, `refreshToken`, `revokeToken`. */
import { GraphQLError } from 'graphql'
import type { User } from '../../../state/types'
import type { AccountsContext } from '../context'
import { payloadOf, REFRESH_TOKEN_PATTERN, renew, signIn, SURFACE } from '../jwt'
import { WRONG_USAGE } from '../messages'
import { error, ok } from '../output'
import { checkPassword } from '../throttle'
import { userNode } from '../user-node'
import { text, type MutationImpl } from './types'

const LOGIN_FIELDS = ['email', 'username'] as const

/** get_user_to_login: by username, or by email (primary first, then secondary when allowed). */
function userToLogin(ctx: AccountsContext, field: (typeof LOGIN_FIELDS)[number], value: string | null): User | undefined {
  const { state } = ctx
  if (!value) return undefined
  if (field === 'username') return state.users.findByUsername(value)
  return state.users.findByEmail(value) ?? (state.config.accounts.allowLoginWithSecondaryEmail ? state.users.findByEmail(value, { includeSecondary: true }) : undefined)
}

/**
 * Password plus exactly one login field, else a top-level error. An archived user is unarchived
 * before the password is checked (`unarchiving: true`), as the package does. Verified users (or
 * anyone while `allowLoginNotVerified`) are authenticated; an unverified user with the right
 * password gets NOT_VERIFIED. Unknown users, wrong passwords and inactive accounts all get
 * INVALID_CREDENTIALS, after the same password-hashing work.
 */
export const tokenAuth: MutationImpl = async (args, ctx) => {
  const { state } = ctx
  const given = Object.keys(args).filter((key) => args[key] !== undefined)
  const field = LOGIN_FIELDS.find((name) => given.includes(name))
  if (given.length !== 2 || !field || !given.includes('password')) throw new GraphQLError(WRONG_USAGE, { extensions: { code: 'BAD_USER_INPUT' } })
  const password = text(args['password']) ?? ''
  const typed = text(args[field])?.trim() ?? ''
  let user = userToLogin(ctx, field, typed || null)
  // Counted before the user is touched: a throttled guess unarchives nobody.
  const checked = await checkPassword(ctx, user, typed, password)
  if ('output' in checked) return checked.output
  if (!user) return error('INVALID_CREDENTIALS')
  // As the package does: unarchived before the password counts, so even a wrong guess unarchives.
  let unarchiving = false
  if (user.archived) {
    user = state.users.update(user.id, { archived: false })
    unarchiving = true
  }
  if (!checked.ok) return error('INVALID_CREDENTIALS')
  if (!user.verified && !state.config.accounts.allowLoginNotVerified) return error('NOT_VERIFIED')
  // Django's authenticate() refuses inactive users with the same answer as a wrong password.
  if (!user.isActive || user.suspended) return error('INVALID_CREDENTIALS')
  const pair = await signIn(state, user)
  return ok({ ...pair, user: userNode(state.users.get(user.id) ?? user), unarchiving })
}

export const verifyToken: MutationImpl = async (args, ctx) => {
  const verified = await ctx.state.tokens.verifyAccessToken(text(args['token']) ?? '', SURFACE)
  if (!verified.ok) return error(verified.reason === 'expired' ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN')
  if (typeof verified.claims['username'] !== 'string') return error('INVALID_TOKEN')
  return ok({ payload: payloadOf(verified.claims) })
}

/** A new JWT and a new refresh token; the one presented keeps working until it expires or is revoked. */
export const refreshToken: MutationImpl = async (args, ctx) => {
  const { state } = ctx
  const presented = text(args['refreshToken']) ?? ''
  if (!REFRESH_TOKEN_PATTERN.test(presented)) return error('INVALID_TOKEN')
  const inspected = state.tokens.inspectRefreshToken(presented, SURFACE)
  if (!inspected.ok) return error('INVALID_TOKEN')
  const user = state.users.get(inspected.userId)
  if (!user || !user.isActive || user.suspended) return error('INVALID_TOKEN')
  const pair = await renew(state, inspected.session, user)
  return ok({ token: pair.token, payload: pair.payload, refreshToken: pair.refreshToken, refreshExpiresIn: pair.refreshExpiresIn })
}

/** Needs no JWT, so a client whose access token has expired can still sign out. */
export const revokeToken: MutationImpl = async (args, ctx) => {
  const presented = text(args['refreshToken']) ?? ''
  // Only accounts issues 40-hex refresh tokens: another surface's token is unknown here.
  if (!REFRESH_TOKEN_PATTERN.test(presented)) return error('INVALID_TOKEN')
  const revoked = ctx.state.tokens.revokeRefreshToken(presented, SURFACE)
  if (!revoked.ok) return error('INVALID_TOKEN')
  return ok({ revoked: Math.floor(revoked.revokedAt / 1000) })
}
