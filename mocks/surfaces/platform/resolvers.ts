/**
 * Resolvers of the platform surface: the behaviour of the 14 mutations and `userProfile`, on top of
 * the shared backend state (users, codes, outbox, tokens, clock, config). All surface-private
 * bookkeeping (pending 2FA logins, pending password changes, session metadata) lives in
 * `state.scratch`, so `POST /__mock/reset` clears it.
 *
 * Choices (the backend publishes none of them):
 * - `status` is 200 on every successful result (LoginResult, TwoFactorAuthResult,
 *   RegisterUserResult, ForgotPasswordResult, PasswordResetResult, LogoutResult), also when a
 *   2FA code was sent instead of tokens (`promptTwoFactorAuth: true` tells those apart). Failures
 *   are GraphQL errors (see errors.ts), never a non-200 `status` value.
 * - `sessionId` of a finished login is the token-service session id (the `sid` claim); while 2FA
 *   is pending it is a separate pending-login id that only confirm2Fa/resend2Fa accept.
 * - `userUid` is the user's numeric key as a string; `accountId` is the user id (one account per
 *   user); `limitsNumber`, `tncId`, `ipAddress` (unless `x-forwarded-for` is sent) are null,
 *   `promptTncAcceptance` is false, `userStatus` is the user's status (`ACTIVE`).
 * - Every code is 6 digits; login/password-change/send2Fa codes live
 *   `config.platform.twoFactorCodeTtlSeconds`, reset codes `config.platform.resetCodeTtlSeconds`;
 *   each allows `config.platform.twoFactorMaxAttempts` wrong guesses. The wrong guess that uses
 *   up the last attempt answers CODE_ATTEMPTS_EXHAUSTED, and the challenge is dead from then on
 *   (even the right code fails; a resend does not revive it: log in / request again).
 * - A password change (direct or after 2FA) and a password reset revoke every platform session
 *   of the user; changePassword/confirmChangePassword2Fa then open a fresh session for the caller
 *   (same device) and return its token pair, so the caller's old tokens stop working too.
 * - Access tokens of any live session of the shared token service are accepted.
 */
import type { GraphQLFieldResolver } from 'graphql'
import {
  MockInputError,
  type AccessClaims,
  type BackendState,
  type RequestContext,
  type SessionRecord,
  type User,
} from '../../state/types'
import { platformError, type PlatformErrorCode } from './errors'

export const PLATFORM_STATUS_OK = 200

export const PLATFORM_PURPOSES = {
  login: 'platform.login_2fa',
  changePassword: 'platform.change_password_2fa',
  send2Fa: 'platform.send_2fa',
  passwordReset: 'platform.password_reset',
} as const

const CODE_DIGITS = 6

/* ------------------------------------------------------------------------------------------------
 * Context
 * --------------------------------------------------------------------------------------------- */

export interface Caller {
  user: User
  session: SessionRecord
  claims: AccessClaims
}

export interface PlatformContext {
  request: RequestContext
  state: BackendState
  /** Resolves the bearer token once per request; throws UNAUTHENTICATED. */
  caller(): Promise<Caller>
}

export function createPlatformContext(request: RequestContext): PlatformContext {
  let pending: Promise<Caller> | undefined
  return {
    request,
    state: request.state,
    caller: () => (pending ??= authenticate(request)),
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i

async function authenticate(request: RequestContext): Promise<Caller> {
  const header = request.request.headers.get('authorization')
  if (!header) throw platformError('UNAUTHENTICATED', { reason: 'missing' })
  const match = BEARER.exec(header)
  if (!match) throw platformError('UNAUTHENTICATED', { reason: 'invalid' })
  const verified = await request.state.tokens.verifyAccessToken(match[1]!)
  if (!verified.ok) throw platformError('UNAUTHENTICATED', { reason: verified.reason })
  const user = request.state.users.get(verified.claims.sub)
  if (!user) throw platformError('UNAUTHENTICATED', { reason: 'invalid' })
  if (isDisabled(user)) throw platformError('ACCOUNT_DISABLED')
  return { user, session: verified.session, claims: verified.claims }
}

function isDisabled(user: User): boolean {
  return !user.isActive || user.suspended || user.status !== 'ACTIVE'
}

/* ------------------------------------------------------------------------------------------------
 * Surface-private bookkeeping (in state.scratch, cleared on reset)
 * --------------------------------------------------------------------------------------------- */

interface PendingLogin {
  id: string
  userId: string
  deviceId: string
  ipAddress: string | null
  dead: boolean
  /** When the latest code for this login expires. */
  expiresAt: number
}

interface PendingPasswordChange {
  sessionId: string
  userId: string
  newPassword: string
  dead: boolean
  expiresAt: number
}

interface SessionMeta {
  userId: string
  deviceId: string
  ipAddress: string | null
  loginAt: number
  previousLoginAt: number | null
}

interface ResetChallenge {
  dead: boolean
  expiresAt: number
}

const pendingLogins = (s: BackendState) => s.scratch('platform.pendingLogins', () => new Map<string, PendingLogin>())
const pendingChanges = (s: BackendState) =>
  s.scratch('platform.pendingPasswordChanges', () => new Map<string, PendingPasswordChange>())
const sessionMeta = (s: BackendState) => s.scratch('platform.sessions', () => new Map<string, SessionMeta>())
const resetChallenges = (s: BackendState) => s.scratch('platform.resets', () => new Map<string, ResetChallenge>())
/** Attempts left for reset codes tried against addresses without a live reset (no enumeration). */
const resetDecoys = (s: BackendState) => s.scratch('platform.resetDecoys', () => new Map<string, number>())

const loginCodeKey = (pendingId: string) => `${PLATFORM_PURPOSES.login}:${pendingId}`
const changeCodeKey = (sessionId: string) => `${PLATFORM_PURPOSES.changePassword}:${sessionId}`
const send2FaCodeKey = (sessionId: string) => `${PLATFORM_PURPOSES.send2Fa}:${sessionId}`
const resetCodeKey = (userId: string) => `${PLATFORM_PURPOSES.passwordReset}:${userId}`

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------------------------------- */

function randomId(): string {
  return globalThis.crypto.randomUUID()
}

function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString()
}

function clientIp(request: RequestContext): string | null {
  const forwarded = request.request.headers.get('x-forwarded-for')
  const first = forwarded?.split(',')[0]?.trim()
  return first || request.request.headers.get('x-real-ip') || null
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null
}

function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase()
}

function requirePasswordPolicy(state: BackendState, password: string, field: string): void {
  const minLength = state.config.password.minLength
  if (password.length < minLength) {
    throw platformError(
      'WEAK_PASSWORD',
      { field, minLength },
      `The password must be at least ${minLength} characters long.`,
    )
  }
}

/** Codes go by email: mail must be switched on and the user must have an address. */
function requireMail(state: BackendState, user: User): void {
  if (!state.config.mailEnabled) throw platformError('EMAIL_DELIVERY_FAILED')
  if (!user.email) {
    throw platformError('EMAIL_DELIVERY_FAILED', {}, 'The account has no email address to send the code to.')
  }
}

/** Issues a fresh code for `key` (replacing any older one) and emails it. */
function sendCode(
  state: BackendState,
  input: { key: string; user: User; purpose: string; ttlSeconds: number; subject: string; what: string },
): number {
  const issued = state.codes.issue({
    key: input.key,
    userId: input.user.id,
    purpose: input.purpose,
    ttlMs: input.ttlSeconds * 1000,
    maxAttempts: state.config.platform.twoFactorMaxAttempts,
    digits: CODE_DIGITS,
  })
  const minutes = Math.max(1, Math.round(input.ttlSeconds / 60))
  state.outbox.send({
    channel: 'email',
    to: input.user.email ?? '',
    purpose: input.purpose,
    subject: input.subject,
    body: `Your code ${input.what} is ${issued.code}. It expires in ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this email.`,
    code: issued.code,
    token: null,
  })
  return issued.expiresAt
}

/**
 * Checks a code; returns on success (the code is spent), throws the matching error otherwise.
 * `challenge.dead` is set when the challenge dies (attempts exhausted); `challenge.expiresAt` (when
 * its latest code expires) tells an expired code from a spent one if the store already dropped it.
 */
function consumeCode(state: BackendState, key: string, code: string, challenge: { dead: boolean; expiresAt: number }): void {
  const kill = () => {
    challenge.dead = true
  }
  if (!state.codes.peek(key) && state.clock.now() >= challenge.expiresAt) throw platformError('CODE_EXPIRED')
  const checked = state.codes.check(key, code)
  switch (checked.result) {
    case 'ok':
      state.codes.revoke(key)
      return
    case 'expired':
      throw platformError('CODE_EXPIRED')
    case 'mismatch':
      if (checked.attemptsLeft > 0) throw platformError('INVALID_CODE', { attemptsLeft: checked.attemptsLeft })
      kill()
      throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
    case 'exhausted':
      kill()
      throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
    case 'not_found':
    default:
      // The challenge exists but its code is gone (spent or removed): nothing can match any more.
      kill()
      throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
  }
}

/* ------------------------------------------------------------------------------------------------
 * Result shapes
 * --------------------------------------------------------------------------------------------- */

export interface UserProfileShape {
  accountId: string
  address1: string | null
  address2: string | null
  city: string | null
  country: string | null
  dateOfBirth: string | null
  firstName: string
  id: string
  industry: string | null
  jobTitle: string | null
  lastName: string
  optInMarketing: boolean | null
  phoneNumber: string | null
  ssn: string | null
  state: string | null
  twoFactorAuth: boolean
  twoFactorAuthPerDevice: boolean
  username: string
  zipCode: string | null
}

export interface LoginResultShape {
  currentLoginAt: string | null
  deviceId: string | null
  ipAddress: string | null
  lastLoginAt: string | null
  limitsNumber: null
  promptTncAcceptance: boolean
  promptTwoFactorAuth: boolean
  refreshToken: string | null
  sessionId: string | null
  status: number
  tncId: string | null
  token: string | null
  userId: string | null
  userProfile: UserProfileShape | null
  userStatus: string | null
  userUid: string | null
}

export interface TwoFactorAuthResultShape {
  status: number
  sessionId: string | null
  twoFactorAuth: boolean | null
}

export function toUserProfile(user: User): UserProfileShape {
  const p = user.profile
  return {
    accountId: user.id,
    address1: text(p['address1']),
    address2: text(p['address2']),
    city: text(p['city']),
    country: text(p['country']),
    dateOfBirth: text(p['dateOfBirth']),
    firstName: user.firstName ?? '',
    id: user.id,
    industry: text(p['industry']),
    jobTitle: text(p['jobTitle']),
    lastName: user.lastName ?? '',
    optInMarketing: flag(p['optInMarketing']),
    phoneNumber: user.phone ?? text(p['phoneNumber']),
    ssn: text(p['ssn']),
    state: text(p['state']),
    twoFactorAuth: user.twoFactor,
    twoFactorAuthPerDevice: flag(p['twoFactorAuthPerDevice']) ?? false,
    username: user.username ?? user.email ?? user.id,
    zipCode: text(p['zipCode']),
  }
}

function pendingLoginResult(user: User, sessionId: string, deviceId: string | null): LoginResultShape {
  return {
    currentLoginAt: null,
    deviceId,
    ipAddress: null,
    lastLoginAt: null,
    limitsNumber: null,
    promptTncAcceptance: false,
    promptTwoFactorAuth: true,
    refreshToken: null,
    sessionId,
    status: PLATFORM_STATUS_OK,
    tncId: null,
    token: null,
    userId: user.id,
    userProfile: null,
    userStatus: user.status,
    userUid: String(user.pk),
  }
}

async function tokensFor(
  state: BackendState,
  user: User,
  session: SessionRecord,
  refreshToken: string,
): Promise<LoginResultShape> {
  const meta = sessionMeta(state).get(session.id)
  const token = await state.tokens.signAccessToken(session, state.config.platform.accessTokenTtlSeconds)
  return {
    currentLoginAt: iso(meta?.loginAt ?? session.createdAt),
    deviceId: meta?.deviceId ?? session.deviceId,
    ipAddress: meta?.ipAddress ?? null,
    lastLoginAt: iso(meta?.previousLoginAt ?? null),
    limitsNumber: null,
    promptTncAcceptance: false,
    promptTwoFactorAuth: false,
    refreshToken,
    sessionId: session.id,
    status: PLATFORM_STATUS_OK,
    tncId: null,
    token,
    userId: user.id,
    userProfile: toUserProfile(user),
    userStatus: user.status,
    userUid: String(user.pk),
  }
}

/** Opens a platform session for the user and returns the full LoginResult with a token pair. */
async function completeLogin(
  state: BackendState,
  user: User,
  device: { deviceId: string; ipAddress: string | null },
): Promise<LoginResultShape> {
  const now = state.clock.now()
  const session = state.tokens.startSession({ userId: user.id, surface: 'platform', deviceId: device.deviceId })
  sessionMeta(state).set(session.id, {
    userId: user.id,
    deviceId: device.deviceId,
    ipAddress: device.ipAddress,
    loginAt: now,
    previousLoginAt: user.lastLoginAt,
  })
  const updated = state.users.update(user.id, { lastLoginAt: now, lastLoginDevice: device.deviceId })
  const refresh = state.tokens.issueRefreshToken(session, state.config.platform.refreshTokenTtlSeconds)
  return tokensFor(state, updated, session, refresh.token)
}

/** Revokes every platform session of the user and forgets the user's pending challenges. */
function revokePlatformSessions(state: BackendState, userId: string): void {
  state.tokens.revokeUserSessions(userId, 'platform')
  for (const [id, meta] of sessionMeta(state)) if (meta.userId === userId) sessionMeta(state).delete(id)
  for (const [id, change] of pendingChanges(state)) {
    if (change.userId === userId) {
      state.codes.revoke(changeCodeKey(id))
      pendingChanges(state).delete(id)
    }
  }
  for (const [id, pending] of pendingLogins(state)) {
    if (pending.userId === userId) {
      state.codes.revoke(loginCodeKey(id))
      pendingLogins(state).delete(id)
    }
  }
}

/* ------------------------------------------------------------------------------------------------
 * Resolvers
 * --------------------------------------------------------------------------------------------- */

type Args = Record<string, unknown>
type Resolver = GraphQLFieldResolver<unknown, PlatformContext, Args>

interface DeviceInfoArg {
  deviceId?: string | null
}

function deviceIdFrom(info: DeviceInfoArg | null | undefined): string {
  const given = info?.deviceId?.trim()
  return given ? given : randomId()
}

const login: Resolver = async (_root, args, ctx) => {
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
  const passwordOk = await state.users.checkPassword(user, credentials.password)
  if (!user || !passwordOk) throw platformError('INVALID_CREDENTIALS')
  if (isDisabled(user)) throw platformError('ACCOUNT_DISABLED')

  const deviceId = deviceIdFrom(credentials.deviceInfo)
  const ipAddress = clientIp(ctx.request)
  if (!user.twoFactor) return completeLogin(state, user, { deviceId, ipAddress })

  requireMail(state, user)
  const pending: PendingLogin = { id: randomId(), userId: user.id, deviceId, ipAddress, dead: false, expiresAt: 0 }
  pendingLogins(state).set(pending.id, pending)
  pending.expiresAt = sendLoginCode(state, user, pending.id)
  return pendingLoginResult(user, pending.id, deviceId)
}

/** Emails a (new) code for a pending 2FA login; returns when it expires. */
function sendLoginCode(state: BackendState, user: User, pendingId: string): number {
  return sendCode(state, {
    key: loginCodeKey(pendingId),
    user,
    purpose: PLATFORM_PURPOSES.login,
    ttlSeconds: state.config.platform.twoFactorCodeTtlSeconds,
    subject: 'Your sign-in code',
    what: 'to finish signing in',
  })
}

/** The pending login for (sessionId, email), or INVALID_SESSION. */
function pendingLoginFor(state: BackendState, sessionId: string, email: string): { pending: PendingLogin; user: User } {
  const pending = pendingLogins(state).get(sessionId)
  const user = pending ? state.users.get(pending.userId) : undefined
  if (!pending || !user || !sameEmail(user.email, email)) throw platformError('INVALID_SESSION')
  if (pending.dead) throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
  return { pending, user }
}

const confirm2Fa: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { pending, user } = pendingLoginFor(state, String(args['sessionId']), String(args['email']))
  consumeCode(state, loginCodeKey(pending.id), String(args['code']), pending)
  pendingLogins(state).delete(pending.id)
  if (isDisabled(user)) throw platformError('ACCOUNT_DISABLED')
  return completeLogin(state, user, { deviceId: pending.deviceId, ipAddress: pending.ipAddress ?? clientIp(ctx.request) })
}

const resend2Fa: Resolver = (_root, args, ctx): TwoFactorAuthResultShape => {
  const { state } = ctx
  const { pending, user } = pendingLoginFor(state, String(args['sessionId']), String(args['email']))
  requireMail(state, user)
  pending.expiresAt = sendLoginCode(state, user, pending.id)
  return { status: PLATFORM_STATUS_OK, sessionId: pending.id, twoFactorAuth: true }
}

const newToken: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const outcome = state.tokens.rotateRefreshToken(String(args['refreshToken']), state.config.platform.refreshTokenTtlSeconds)
  if (!outcome.ok) {
    if (outcome.reason === 'reused') throw platformError('REFRESH_TOKEN_REUSED')
    throw platformError('INVALID_REFRESH_TOKEN', { reason: outcome.reason })
  }
  const user = state.users.get(outcome.userId)
  if (!user) {
    state.tokens.revokeSession(outcome.session.id)
    throw platformError('INVALID_REFRESH_TOKEN', { reason: 'invalid' })
  }
  if (isDisabled(user)) throw platformError('ACCOUNT_DISABLED')
  return tokensFor(state, user, outcome.session, outcome.refreshToken)
}

const logout: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  state.tokens.revokeSession(session.id)
  sessionMeta(state).delete(session.id)
  const deviceId = (args['deviceInfo'] as DeviceInfoArg | null | undefined)?.deviceId?.trim()
  if (deviceId) {
    // Also sign out the user's other platform sessions on that device.
    for (const [id, meta] of sessionMeta(state)) {
      if (meta.userId === user.id && meta.deviceId === deviceId) {
        state.tokens.revokeSession(id)
        sessionMeta(state).delete(id)
      }
    }
  }
  const change = pendingChanges(state).get(session.id)
  if (change) {
    state.codes.revoke(changeCodeKey(session.id))
    pendingChanges(state).delete(session.id)
  }
  state.codes.revoke(send2FaCodeKey(session.id))
  return { status: PLATFORM_STATUS_OK }
}

const register: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const input = args['input'] as {
    email: string
    password: string
    username?: string | null
    firstName: string
    lastName: string
    dateOfBirth?: string | null
    phoneNumber?: string | null
    address1?: string | null
    address2?: string | null
    city?: string | null
    state?: string | null
    zipCode?: string | null
    country?: string | null
    optInMarketing?: boolean | null
    deviceInfo?: DeviceInfoArg | null
  }
  const firstName = input.firstName.trim()
  const lastName = input.lastName.trim()
  const username = input.username?.trim() || null
  if (!firstName) throw platformError('BAD_USER_INPUT', { field: 'firstName' }, 'The first name must not be empty.')
  if (!lastName) throw platformError('BAD_USER_INPUT', { field: 'lastName' }, 'The last name must not be empty.')
  requirePasswordPolicy(state, input.password, 'password')
  if (state.users.findByEmail(input.email, { includeSecondary: true })) {
    throw platformError('EMAIL_IN_USE', { field: 'email' })
  }
  if (username && state.users.findByUsername(username)) throw platformError('USERNAME_IN_USE', { field: 'username' })

  const profile: Record<string, string | boolean | null> = {}
  for (const key of ['dateOfBirth', 'phoneNumber', 'address1', 'address2', 'city', 'state', 'zipCode', 'country'] as const) {
    const value = input[key]
    if (typeof value === 'string') profile[key] = value
  }
  if (typeof input.optInMarketing === 'boolean') profile['optInMarketing'] = input.optInMarketing

  let user: User
  try {
    user = await state.users.create({
      email: input.email.trim(),
      username,
      password: input.password,
      firstName,
      lastName,
      verified: false,
      twoFactor: false,
      profile,
    })
  } catch (error) {
    if (error instanceof MockInputError) {
      const code: PlatformErrorCode =
        error.code === 'email_in_use' ? 'EMAIL_IN_USE' : error.code === 'username_in_use' ? 'USERNAME_IN_USE' : 'BAD_USER_INPUT'
      throw platformError(code, error.field ? { field: error.field } : {}, code === 'BAD_USER_INPUT' ? error.message : undefined)
    }
    throw error
  }
  return { status: PLATFORM_STATUS_OK, userId: user.id, userUid: String(user.pk) }
}

const forgotPassword: Resolver = (_root, args, ctx) => {
  const { state } = ctx
  const email = String(args['email'])
  // The same answer whatever happens below: no account enumeration.
  resetDecoys(state).delete(email.trim().toLowerCase())
  const user = state.users.findByEmail(email)
  if (user?.email && state.config.mailEnabled) {
    const challenge: ResetChallenge = { dead: false, expiresAt: 0 }
    resetChallenges(state).set(user.id, challenge)
    challenge.expiresAt = sendCode(state, {
      key: resetCodeKey(user.id),
      user,
      purpose: PLATFORM_PURPOSES.passwordReset,
      ttlSeconds: state.config.platform.resetCodeTtlSeconds,
      subject: 'Reset your password',
      what: 'to reset your password',
    })
  }
  return { status: PLATFORM_STATUS_OK }
}

const confirmPasswordReset: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const params = args['passwordResetParams'] as { email: string; code: string; newPassword: string }
  requirePasswordPolicy(state, params.newPassword, 'newPassword')
  const user = state.users.findByEmail(params.email)
  const challenge = user ? resetChallenges(state).get(user.id) : undefined
  if (!user || !challenge) {
    // Unknown address or no reset requested: behave like a live reset with a wrong code.
    const key = params.email.trim().toLowerCase()
    const left = (resetDecoys(state).get(key) ?? state.config.platform.twoFactorMaxAttempts) - 1
    resetDecoys(state).set(key, Math.max(0, left))
    if (left > 0) throw platformError('INVALID_CODE', { attemptsLeft: left })
    throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
  }
  if (challenge.dead) throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
  consumeCode(state, resetCodeKey(user.id), params.code, challenge)
  resetChallenges(state).delete(user.id)
  await state.users.setPassword(user.id, params.newPassword)
  revokePlatformSessions(state, user.id)
  return { status: PLATFORM_STATUS_OK }
}

const changePassword: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const oldPassword = String(args['oldPassword'])
  const newPassword = String(args['newPassword'])
  if (!(await state.users.checkPassword(user, oldPassword))) {
    throw platformError('INVALID_CREDENTIALS', { field: 'oldPassword' }, 'The current password is incorrect.')
  }
  requirePasswordPolicy(state, newPassword, 'newPassword')
  if (!user.twoFactor) return applyPasswordChange(ctx, user, session, newPassword)

  requireMail(state, user)
  const change: PendingPasswordChange = { sessionId: session.id, userId: user.id, newPassword, dead: false, expiresAt: 0 }
  pendingChanges(state).set(session.id, change)
  change.expiresAt = sendChangeCode(state, user, session.id)
  const meta = sessionMeta(state).get(session.id)
  return pendingLoginResult(user, session.id, meta?.deviceId ?? session.deviceId)
}

function sendChangeCode(state: BackendState, user: User, sessionId: string): number {
  return sendCode(state, {
    key: changeCodeKey(sessionId),
    user,
    purpose: PLATFORM_PURPOSES.changePassword,
    ttlSeconds: state.config.platform.twoFactorCodeTtlSeconds,
    subject: 'Confirm your password change',
    what: 'to confirm your password change',
  })
}

async function applyPasswordChange(
  ctx: PlatformContext,
  user: User,
  session: SessionRecord,
  newPassword: string,
): Promise<LoginResultShape> {
  const { state } = ctx
  const meta = sessionMeta(state).get(session.id)
  const deviceId = meta?.deviceId ?? session.deviceId ?? randomId()
  const ipAddress = meta?.ipAddress ?? clientIp(ctx.request)
  const updated = await state.users.setPassword(user.id, newPassword)
  revokePlatformSessions(state, user.id)
  return completeLogin(state, updated, { deviceId, ipAddress })
}

function pendingChangeFor(state: BackendState, sessionId: string): PendingPasswordChange {
  const change = pendingChanges(state).get(sessionId)
  if (!change) throw platformError('NO_PENDING_CHALLENGE')
  if (change.dead) throw platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
  return change
}

const confirmChangePassword2Fa: Resolver = async (_root, args, ctx) => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const change = pendingChangeFor(state, session.id)
  consumeCode(state, changeCodeKey(session.id), String(args['code']), change)
  pendingChanges(state).delete(session.id)
  return applyPasswordChange(ctx, user, session, change.newPassword)
}

const resendChangePassword2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  const change = pendingChangeFor(state, session.id)
  requireMail(state, user)
  change.expiresAt = sendChangeCode(state, user, session.id)
  return { status: PLATFORM_STATUS_OK, sessionId: session.id, twoFactorAuth: user.twoFactor }
}

async function checkOptionalPassword(ctx: PlatformContext, user: User, password: unknown): Promise<void> {
  if (password == null) return
  if (!(await ctx.state.users.checkPassword(user, String(password)))) {
    throw platformError('INVALID_CREDENTIALS', { field: 'password' }, 'The password is incorrect.')
  }
}

const enable2Fa: Resolver = async (_root, args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { user } = await ctx.caller()
  await checkOptionalPassword(ctx, user, args['password'])
  if (!user.email) {
    throw platformError('BAD_USER_INPUT', {}, 'Two-factor codes are sent by email; the account has no email address.')
  }
  const updated = user.twoFactor ? user : ctx.state.users.update(user.id, { twoFactor: true })
  return { status: PLATFORM_STATUS_OK, sessionId: null, twoFactorAuth: updated.twoFactor }
}

const disable2Fa: Resolver = async (_root, args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { user } = await ctx.caller()
  await checkOptionalPassword(ctx, user, args['password'])
  const updated = user.twoFactor ? ctx.state.users.update(user.id, { twoFactor: false }) : user
  return { status: PLATFORM_STATUS_OK, sessionId: null, twoFactorAuth: updated.twoFactor }
}

const send2Fa: Resolver = async (_root, _args, ctx): Promise<TwoFactorAuthResultShape> => {
  const { state } = ctx
  const { user, session } = await ctx.caller()
  requireMail(state, user)
  sendCode(state, {
    key: send2FaCodeKey(session.id),
    user,
    purpose: PLATFORM_PURPOSES.send2Fa,
    ttlSeconds: state.config.platform.twoFactorCodeTtlSeconds,
    subject: 'Your verification code',
    what: 'to confirm your request',
  })
  return { status: PLATFORM_STATUS_OK, sessionId: session.id, twoFactorAuth: user.twoFactor }
}

const userProfile: Resolver = async (_root, _args, ctx) => {
  const { user } = await ctx.caller()
  return toUserProfile(user)
}

export const queryResolvers: Record<string, Resolver> = { userProfile }

export const mutationResolvers: Record<string, Resolver> = {
  changePassword,
  confirm2Fa,
  confirmChangePassword2Fa,
  confirmPasswordReset,
  disable2Fa,
  enable2Fa,
  forgotPassword,
  login,
  logout,
  newToken,
  register,
  resend2Fa,
  resendChangePassword2Fa,
  send2Fa,
}
