/**
 * The result shapes the platform resolvers answer with. `status` is 200 on every successful
 * result (LoginResult, TwoFactorAuthResult, RegisterUserResult, ForgotPasswordResult,
 * PasswordResetResult, LogoutResult), also when a 2FA code was sent instead of tokens
 * (`promptTwoFactorAuth: true` tells those apart). Failures are GraphQL errors (see errors.ts),
 * never a non-200 `status` value.
 */
import type { User } from '../../../state/types'

export const PLATFORM_STATUS_OK = 200

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

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null
}

/** `accountId` is the user id (one account per user). */
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

/** The fields of a finished login that come from its session and token pair. */
export type SignedIn = Pick<
  LoginResultShape,
  'currentLoginAt' | 'deviceId' | 'ipAddress' | 'lastLoginAt' | 'refreshToken' | 'sessionId' | 'token'
>

/**
 * A LoginResult: `userUid` is the user's numeric key as a string; `limitsNumber`, `tncId`,
 * `ipAddress` (unless `x-forwarded-for` is sent) are null, `promptTncAcceptance` is false,
 * `userStatus` is the user's status (`ACTIVE`).
 */
function loginResult(
  user: User,
  progress: SignedIn & Pick<LoginResultShape, 'promptTwoFactorAuth' | 'userProfile'>,
): LoginResultShape {
  return {
    ...progress,
    limitsNumber: null,
    promptTncAcceptance: false,
    status: PLATFORM_STATUS_OK,
    tncId: null,
    userId: user.id,
    userStatus: user.status,
    userUid: String(user.pk),
  }
}

/** A finished login: tokens and the user's profile. */
export function signedInResult(user: User, signedIn: SignedIn): LoginResultShape {
  return loginResult(user, { ...signedIn, promptTwoFactorAuth: false, userProfile: toUserProfile(user) })
}

/** A code was emailed instead of tokens: `sessionId` is what the confirming mutation takes. */
export function pendingLoginResult(user: User, sessionId: string, deviceId: string | null): LoginResultShape {
  return loginResult(user, {
    currentLoginAt: null,
    deviceId,
    ipAddress: null,
    lastLoginAt: null,
    promptTwoFactorAuth: true,
    refreshToken: null,
    sessionId,
    token: null,
    userProfile: null,
  })
}

export function twoFactorResult(sessionId: string | null, twoFactorAuth: boolean | null): TwoFactorAuthResultShape {
  return { status: PLATFORM_STATUS_OK, sessionId, twoFactorAuth }
}
