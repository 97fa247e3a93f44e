import type { components } from '../../../src/generated/otp/openapi'
import type { User } from '../../state/types'
import { maskPhone } from './phone'

export type UserSecurity = components['schemas']['UserSecurity']
export type UserStatus = components['schemas']['UserStatus']

const SAFE_LOCAL_CHAR = /^[A-Za-z0-9._%+-]$/

/**
 * `ada.lovelace@example.com` → `a***e@example.com`: first and last character of the local part
 * (only the first when it has one or two), the domain in full.
 */
export function maskEmail(email: string | null): string {
  if (!email) return 'unknown@example.invalid'
  const at = email.lastIndexOf('@')
  if (at <= 0) return 'unknown@example.invalid'
  const local = [...email.slice(0, at)]
  const shown = (char: string | undefined) => (char !== undefined && SAFE_LOCAL_CHAR.test(char) ? char : '*')
  const masked = local.length <= 2 ? `${shown(local[0])}***` : `${shown(local[0])}***${shown(local[local.length - 1])}`
  return `${masked}@${email.slice(at + 1).toLowerCase()}`
}

/**
 * The otp status of a user in the shared identity store: its own `status`, else `BLOCKED` for a
 * suspended account and `DISABLED` for an inactive or archived one (Portcullis choice, so an
 * account switched off through another surface is refused here too).
 */
export function effectiveStatus(user: User): UserStatus {
  if (user.status !== 'ACTIVE') return user.status
  if (user.suspended) return 'BLOCKED'
  if (!user.isActive || user.archived) return 'DISABLED'
  return 'ACTIVE'
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The `UserSecurity` summary of a user, dates from the stored (mock-clock) times. */
export function toUserSecurity(user: User): UserSecurity {
  const emailVerified = user.email !== null && (user.emailVerifiedAt !== null || user.verified)
  const secretVerified = user.totpSecret !== null && user.totpVerifiedAt !== null
  const phoneVerified = user.phone !== null && user.phoneVerifiedAt !== null
  return {
    email: maskEmail(user.email),
    hasValidatedEmail: emailVerified,
    ...(emailVerified && user.emailVerifiedAt !== null ? { emailVerificationDate: iso(user.emailVerifiedAt) } : {}),
    hasValidatedSecret: secretVerified,
    ...(secretVerified ? { secretVerificationDate: iso(user.totpVerifiedAt!) } : {}),
    ...(user.phone !== null ? { phoneNumber: maskPhone(user.phone, user.phoneCountry) } : {}),
    hasValidatedPhone: phoneVerified,
    ...(phoneVerified ? { phoneVerificationDate: iso(user.phoneVerifiedAt!) } : {}),
    lastLoggedDate: iso(user.lastLoginAt ?? user.createdAt),
    status: effectiveStatus(user),
    lastLoggedDevice: user.lastLoginDevice ?? '',
    lastPasswordChangeDate: iso(user.passwordChangedAt),
  }
}
