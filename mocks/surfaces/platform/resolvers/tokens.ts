/** Token pairs: `newToken` rotates a refresh token, `logout` ends the caller's session. */
import { platformError } from '../errors'
import { requireEnabled, type Resolver } from './context'
import { PLATFORM_STATUS_OK } from './results'
import { sessionMeta } from './scratch'
import { endSession, givenDeviceId, tokensFor, type DeviceInfoArg } from './sessions'

export const newToken: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const outcome = state.tokens.rotateRefreshToken(String(args['refreshToken']), 'platform', state.config.platform.refreshTokenTtlSeconds)
  if (!outcome.ok) {
    if (outcome.reason === 'reused') throw platformError('REFRESH_TOKEN_REUSED')
    throw platformError('INVALID_REFRESH_TOKEN', { reason: outcome.reason })
  }
  const user = state.users.get(outcome.userId)
  if (!user) {
    state.tokens.revokeSession(outcome.session.id)
    throw platformError('INVALID_REFRESH_TOKEN', { reason: 'invalid' })
  }
  requireEnabled(user)
  return tokensFor(state, user, outcome.session, outcome.refreshToken)
}

export const logout: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  endSession(state, session.id)
  const deviceId = givenDeviceId(args['deviceInfo'] as DeviceInfoArg | null | undefined)
  if (deviceId) {
    // Also sign out the user's other platform sessions on that device (from the per-user index).
    for (const other of state.tokens.userSessions(user.id)) {
      if (other.surface === 'platform' && (sessionMeta(state).get(other.id)?.deviceId ?? other.deviceId) === deviceId) endSession(state, other.id)
    }
  }
  return { status: PLATFORM_STATUS_OK }
}
