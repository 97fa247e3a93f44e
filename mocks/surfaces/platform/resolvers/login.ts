/**
 * Signing in: `login`, and `confirm2Fa`/`resend2Fa` for users with 2FA on. While 2FA is pending,
 * `sessionId` is a separate pending-login id that only confirm2Fa/resend2Fa accept.
 */
import { uuid } from '../../../state/random'
import type { BackendState, User } from '../../../state/types'
import { platformError } from '../errors'
import { consumeCode, requireLive, requireMail, sendCode } from './codes'
import { clientIp, requireEnabled, type Resolver } from './context'
import { passwordMatches } from './throttle'
import { pendingLoginResult, twoFactorResult, type TwoFactorAuthResultShape } from './results'
import { addPendingLogin, dropPendingLogin, pendingLogins, type PendingLogin } from './scratch'
import { AMR_PASSWORD, AMR_TWO_FACTOR, completeLogin, deviceIdFrom, type DeviceInfoArg } from './sessions'

export const login: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const credentials = args['credentials'] as {
    email?: string | null
    username?: string | null
    password: string
    deviceInfo?: DeviceInfoArg | null
  }
  const email = credentials.email?.trim()
  const username = credentials.username?.trim()
  if (!email && !username) {
    throw platformError('BAD_USER_INPUT', { field: 'credentials' }, 'Provide an email address or a username.')
  }
  // `email` is a plain String: an identifier without "@" there is tried as a username too.
  const user = email
    ? (state.users.findByEmail(email) ?? (email.includes('@') ? undefined : state.users.findByUsername(email)))
    : state.users.findByUsername(username!)
  // One answer for an unknown user and a wrong password, after the same PBKDF2 work (an unknown
  // user is checked against a dummy hash), so neither the answer nor its timing tells them apart.
  // Throttled per account and client (aliases in one request each count: mutations run one by one).
  const passwordOk = await passwordMatches(ctx, (email ?? username)!, user, credentials.password)
  if (!user || !passwordOk) throw platformError('INVALID_CREDENTIALS')
  requireEnabled(user)

  const deviceId = deviceIdFrom(credentials.deviceInfo)
  const ipAddress = clientIp(ctx.request)
  if (!user.twoFactor) return completeLogin(state, user, { deviceId, ipAddress, amr: AMR_PASSWORD })

  requireMail(state, user)
  const pending: PendingLogin = { id: uuid(), userId: user.id, deviceId, ipAddress, dead: false, expiresAt: 0 }
  addPendingLogin(state, pending)
  pending.expiresAt = sendCode(ctx, 'login', user, pending.id)
  return pendingLoginResult(user, pending.id, deviceId)
}

function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** The pending login for (sessionId, email), or INVALID_SESSION. */
function pendingLoginFor(state: BackendState, sessionId: string, email: string): { pending: PendingLogin; user: User } {
  const pending = pendingLogins(state).get(sessionId)
  const user = pending ? state.users.get(pending.userId) : undefined
  if (!pending || !user || !sameEmail(user.email, email)) throw platformError('INVALID_SESSION')
  requireLive(pending)
  return { pending, user }
}

export const confirm2Fa: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { pending, user } = pendingLoginFor(state, String(args['sessionId']), String(args['email']))
  consumeCode(ctx, 'login', pending.id, String(args['code']), pending)
  dropPendingLogin(state, pending.id)
  requireEnabled(user)
  // Password and the emailed code: two factors.
  return completeLogin(state, user, { deviceId: pending.deviceId, ipAddress: pending.ipAddress ?? clientIp(ctx.request), amr: AMR_TWO_FACTOR })
}

export const resend2Fa: Resolver = (_root, args, ctx): TwoFactorAuthResultShape => {
  const { state } = ctx
  const { pending, user } = pendingLoginFor(state, String(args['sessionId']), String(args['email']))
  requireMail(state, user)
  pending.expiresAt = sendCode(ctx, 'login', user, pending.id)
  return twoFactorResult(pending.id, true)
}
