/**
 * The seven operations of `schema/openapi/otp.yaml`. Each handler receives a request that has
 * already passed validation (and, unless the operation's security is optional, bearer auth).
 */
import { checkPasswordThrottled } from '../../state/password-attempts'
import type { components, operations } from '../../../src/generated/otp/openapi'
import { json } from '../../control/json'
import { MockInputError, type BackendState, type RequestContext, type SessionRecord, type User } from '../../state/types'
import type { ValidatedRequest } from '../../validation'
import { clientOf, type ThrottleName, type ThrottleSubject } from '../../state/limits'
import { errorResponse, OTP_MESSAGES, tooManyRequests, validationError } from './errors'
import { toE164 } from './phone'
import { effectiveStatus, maskEmail, toUserSecurity } from './security'
import { isValidTotp, newTotpSecret, totpUri } from './totp'

type Schemas = components['schemas']
type Ok<Op extends keyof operations> = operations[Op]['responses'][200]['content']['application/json']

/** Outbox purposes of the otp surface. */
export const OTP_PURPOSES = {
  smsVerification: 'otp.sms_verification',
  code: 'otp.code',
} as const

/** Keys of the otp surface's one-time codes in `state.codes` (one live code per key). */
export const otpCodeKeys = {
  /** The code texted by `POST /auth/otp/methods/sms`, confirmed with channel `SMS`. */
  smsVerification: (userId: string) => `otp:sms-verification:${userId}`,
  /** The last code sent by `GET /auth/otp/code`. */
  delivered: (userId: string) => `otp:code:${userId}`,
}

/** Key of the per-user limit on `GET /auth/otp/code`. */
export const otpCodeRequestLimitKey = (userId: string) => `otp:code-requests:${userId}`

export interface OtpCall {
  context: RequestContext
  state: BackendState
  input: ValidatedRequest
  /** Set on every operation whose security is not optional. */
  principal: { user: User; session: SessionRecord } | null
}

export type OtpHandler = (call: OtpCall) => Promise<Response>

function principalOf(call: OtpCall): { user: User; session: SessionRecord } {
  if (!call.principal) throw new Error('operation requires an authenticated principal')
  return call.principal
}

/** A wrong (or dead) `x-otp` code, with the wrong codes still taken before the code dies or the factor locks. */
const otpInvalid = (attemptsLeft: number) => errorResponse(401, 'otp_invalid', OTP_MESSAGES.otpNotValid, { attemptsLeft })

/** Counts one event against the shared throttles for the caller's client; a Response (429) when refused. */
function take(call: OtpCall, name: ThrottleName, subject: Omit<ThrottleSubject, 'client'>): { release(): void } | Response {
  const taken = call.state.limits.take(name, { ...subject, client: clientOf(call.context) })
  if (taken.ok) return taken
  return tooManyRequests(name === 'passwordFailures' ? 'rate_limited' : 'otp_attempts_exhausted', taken.retryAfterMs)
}

/**
 * Checks an authenticator code for `x-otp` (RFC 6238 §5.2: attempts are limited). While the
 * factor is locked even the right code is refused (429); the `max`-th wrong code in the window
 * locks it for `limits.totpFailures.lockSeconds`.
 */
function checkTotp(state: BackendState, user: User, secret: string, otp: string): 'ok' | Response {
  const lock = state.limits.totpLocked(user.id)
  if (lock.locked) return tooManyRequests('otp_attempts_exhausted', lock.retryAfterMs)
  if (isValidTotp(secret, otp, state.clock.now())) {
    state.limits.totpSucceeded(user.id)
    return 'ok'
  }
  return otpInvalid(state.limits.totpFailed(user.id))
}

/** Checks a one-time code (throttled per account and client; a right code is not counted). */
function checkCode(call: OtpCall, user: User, key: string, otp: string): ReturnType<BackendState['codes']['check']> | Response {
  const taken = take(call, 'codeFailures', { account: user.id })
  if (taken instanceof Response) return taken
  const checked = call.state.codes.check(key, otp)
  if (checked.result !== 'mismatch') taken.release()
  return checked
}

/** Issues a fresh code for `key` (replacing the older one) and sends it; returns when it expires. */
function sendCode(
  state: BackendState,
  input: { key: string; userId: string; channel: 'email' | 'sms'; to: string; purpose: string; data: Record<string, unknown> },
): number {
  const issued = state.codes.issue({
    key: input.key,
    userId: input.userId,
    purpose: input.purpose,
    ttlMs: state.config.otp.codeTtlSeconds * 1000,
    maxAttempts: state.config.otp.codeMaxAttempts,
    data: input.data,
  })
  const minutes = Math.max(1, Math.round((issued.expiresAt - state.clock.now()) / 60_000))
  const smsVerification = input.purpose === OTP_PURPOSES.smsVerification
  state.outbox.send({
    channel: input.channel,
    to: input.to,
    purpose: input.purpose,
    subject: smsVerification ? 'Confirm your phone number' : 'Your Portcullis security code',
    body: smsVerification
      ? `Your Portcullis code to confirm this phone number is ${issued.code}. It expires in ${minutes} minutes.`
      : `Your Portcullis security code is ${issued.code}. It expires in ${minutes} minutes. Never share it.`,
    code: issued.code,
    token: null,
  })
  return issued.expiresAt
}

export const otpHandlers: Record<string, OtpHandler> = {
  async login(call) {
    const { context, state, input } = call
    const body = input.body as Schemas['LoginRequest']
    const user = state.users.findByEmail(body.email)
    // Throttled per account (the user, or the address as typed) and client; a right password is not counted.
    const checked = await checkPasswordThrottled(state, context, user?.id ?? body.email.trim().toLowerCase(), user, body.password)
    if (!checked.ok) return tooManyRequests('rate_limited', checked.retryAfterMs)
    const passwordOk = checked.matches
    if (!user || !passwordOk || effectiveStatus(user) !== 'ACTIVE') {
      return errorResponse(403, 'authentication_error', OTP_MESSAGES.authenticationError)
    }
    const device = context.headers.get('user-agent')?.slice(0, 512) || 'unknown'
    const updated = state.users.update(user.id, { lastLoginAt: state.clock.now(), lastLoginDevice: device })
    // otp's login has no second factor: its tokens say so (`amr: ["pwd"]`).
    const session = state.tokens.startSession({ userId: updated.id, surface: 'otp', amr: ['pwd'] })
    const idToken = await state.tokens.signAccessToken(session, state.config.otp.accessTokenTtlSeconds, {
      email: updated.email,
      email_verified: updated.emailVerifiedAt !== null || updated.verified,
    })
    const { token: refreshToken } = state.tokens.issueRefreshToken(session, state.config.otp.refreshTokenTtlSeconds)
    const out: Ok<'login'> = { idToken, refreshToken }
    return json(out)
  },

  async refreshLogin({ state, input }) {
    const { refreshToken } = input.body as Schemas['RefreshRequest']
    const invalid = () => errorResponse(403, 'invalid_refresh_token', OTP_MESSAGES.invalidRefreshToken)
    // Another surface's refresh token is not spent here: it simply is not an otp token.
    const rotated = state.tokens.rotateRefreshToken(refreshToken, 'otp', state.config.otp.refreshTokenTtlSeconds)
    // A replayed token (the family is now revoked) gets its own code, under the same published
    // message, so a client can tell possible token theft from an ordinary expiry.
    if (!rotated.ok && rotated.reason === 'reused') return errorResponse(403, 'refresh_token_reused', OTP_MESSAGES.invalidRefreshToken)
    if (!rotated.ok) return invalid()
    const user = state.users.get(rotated.userId)
    if (!user || effectiveStatus(user) !== 'ACTIVE') {
      state.tokens.revokeSession(rotated.session.id)
      return invalid()
    }
    const idToken = await state.tokens.signAccessToken(rotated.session, state.config.otp.accessTokenTtlSeconds, {
      email: user.email,
      email_verified: user.emailVerifiedAt !== null || user.verified,
    })
    const out: Ok<'refreshLogin'> = { idToken, refreshToken: rotated.refreshToken }
    return json(out)
  },

  async addSmsMethod(call) {
    const { state, input } = call
    const { user } = principalOf(call)
    const body = input.body as Schemas['AddSmsRequest']
    if (user.phone !== null && user.phoneVerifiedAt !== null) {
      return errorResponse(400, 'sms_already_configured', OTP_MESSAGES.smsAlreadyAdded)
    }
    const phone = toE164(body.phone, body.country)
    if (phone === null) return validationError([{ path: 'body.phone', message: `must be a phone number valid for ${body.country}` }])
    // Texts to any number are throttled per account, client and number (each resend keeps the
    // flow's attempts); checked before the phone is stored, so a refused call changes nothing.
    const sent = take(call, 'codeSends', { account: user.id, destination: phone })
    if (sent instanceof Response) return sent
    let updated: User
    try {
      updated = state.users.update(user.id, { phone, phoneCountry: body.country, phoneVerifiedAt: null })
    } catch (error) {
      sent.release()
      if (error instanceof MockInputError) return validationError([{ path: 'body.phone', message: error.message }])
      throw error
    }
    sendCode(state, { key: otpCodeKeys.smsVerification(user.id), userId: user.id, channel: 'sms', to: phone, purpose: OTP_PURPOSES.smsVerification, data: { phone } })
    const out: Ok<'addSmsMethod'> = toUserSecurity(updated)
    return json(out)
  },

  async createTotpSecret(call) {
    const { state } = call
    const { user } = principalOf(call)
    if (user.totpSecret !== null && user.totpVerifiedAt !== null) {
      return errorResponse(400, 'totp_already_configured', OTP_MESSAGES.totpAlreadyConfigured)
    }
    // A pending (unconfirmed) secret is replaced: only the newest one can be confirmed.
    const secret = newTotpSecret()
    const updated = state.users.update(user.id, { totpSecret: secret, totpVerifiedAt: null })
    const out: Ok<'createTotpSecret'> = { ...toUserSecurity(updated), secret, uri: totpUri(secret, maskEmail(updated.email)) }
    return json(out)
  },

  async deleteTotpSecret(call) {
    const { state, input } = call
    const { user } = principalOf(call)
    const otp = String(input.headers['x-otp'])
    if (user.totpSecret === null) return errorResponse(400, 'totp_not_configured', OTP_MESSAGES.totpNotConfigured)
    if (user.totpVerifiedAt !== null) {
      // A confirmed authenticator proves possession with its current code.
      const verdict = checkTotp(state, user, user.totpSecret, otp)
      if (verdict instanceof Response) return verdict
    } else {
      // A pending secret was never proven: the last code delivered by GET /auth/otp/code is asked for.
      const checked = checkCode(call, user, otpCodeKeys.delivered(user.id), otp)
      if (checked instanceof Response) return checked
      if (checked.result !== 'ok' || checked.userId !== user.id) return otpInvalid(checked.result === 'ok' ? 0 : checked.attemptsLeft)
    }
    const updated = state.users.update(user.id, { totpSecret: null, totpVerifiedAt: null })
    const out: Ok<'deleteTotpSecret'> = toUserSecurity(updated)
    return json(out)
  },

  async requestOtpCode(call) {
    const { state, input } = call
    const { user } = principalOf(call)
    const method = input.query['method'] as Schemas['OtpMethod']
    const to = method === 'EMAIL' ? user.email : user.phone
    if (to === null) return errorResponse(400, 'method_not_allowed', OTP_MESSAGES.methodNotAllowed)
    const limit = state.rateLimit(otpCodeRequestLimitKey(user.id), state.config.otp.codeRequestsPerWindow, state.config.otp.codeRequestWindowSeconds * 1000)
    if (!limit.allowed) return tooManyRequests('otp_attempts_exhausted', limit.retryAfterMs)
    // Email delivery depends on the backend's mail switch (`PUT /__mock/config {mailEnabled}`).
    if (method === 'EMAIL' && !state.config.mailEnabled) return errorResponse(500, 'internal_error', OTP_MESSAGES.internalError)
    const sent = take(call, 'codeSends', { account: user.id, destination: to })
    if (sent instanceof Response) return sent
    const expiresAt = sendCode(state, {
      key: otpCodeKeys.delivered(user.id),
      userId: user.id,
      channel: method === 'EMAIL' ? 'email' : 'sms',
      to,
      purpose: OTP_PURPOSES.code,
      data: { channel: method },
    })
    const out: Ok<'requestOtpCode'> = { validUntil: new Date(expiresAt).toISOString(), channel: method, validated: false }
    return json(out)
  },

  async verifyOtpMethod(call) {
    const { state, input } = call
    const { user } = principalOf(call)
    const { channel } = input.body as Schemas['VerifyOtpRequest']
    const otp = String(input.headers['x-otp'])
    const now = state.clock.now()
    let updated: User
    if (channel === 'TOTP') {
      if (user.totpSecret === null) return errorResponse(400, 'channel_not_configured', OTP_MESSAGES.totpNotConfigured)
      if (user.totpVerifiedAt !== null) return errorResponse(400, 'channel_already_verified', OTP_MESSAGES.totpAlreadyConfigured)
      const verdict = checkTotp(state, user, user.totpSecret, otp)
      if (verdict instanceof Response) return verdict
      updated = state.users.update(user.id, { totpVerifiedAt: now })
    } else {
      if (user.phone === null) return errorResponse(400, 'channel_not_configured', OTP_MESSAGES.phoneNotConfigured)
      if (user.phoneVerifiedAt !== null) return errorResponse(400, 'channel_already_verified', OTP_MESSAGES.smsAlreadyConfigured)
      // Wrong, expired, exhausted (too many wrong guesses) and missing codes all fail alike: the
      // spec has one answer for them (401 `otp_invalid`); a new code comes from POST /auth/otp/methods/sms.
      const checked = checkCode(call, user, otpCodeKeys.smsVerification(user.id), otp)
      if (checked instanceof Response) return checked
      if (checked.result !== 'ok' || checked.userId !== user.id || checked.data?.['phone'] !== user.phone) return otpInvalid(checked.result === 'ok' ? 0 : checked.attemptsLeft)
      updated = state.users.update(user.id, { phoneVerifiedAt: now })
    }
    const out: Ok<'verifyOtpMethod'> = toUserSecurity(updated)
    return json(out)
  },
}
