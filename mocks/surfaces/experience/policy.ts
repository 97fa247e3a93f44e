/**
 * The sign-in experience rules: which profile fields an account must have (`signUp`), which MFA
 * factors it has and must verify or bind (`mfa`), and which email domains belong to SSO.
 */
import type { BackendState, User } from '../../state/types'
import { fail } from './errors'
import type { ExperienceData, MfaFactor } from './interaction'
import { isVerifiedFactor, type VerificationRecord } from './records'

export type MissingProfile = 'password' | 'username' | 'email' | 'phone' | 'emailOrPhone'

/** What the sign-up settings demand that neither the account nor the pending profile has. */
export function missingProfile(state: BackendState, have: { username: boolean; email: boolean; phone: boolean; password: boolean }): MissingProfile[] {
  const { identifiers, password } = state.config.experience.signUp
  const missing: MissingProfile[] = []
  if (password && !have.password) missing.push('password')
  if (identifiers.includes('username') && !have.username) missing.push('username')
  const email = identifiers.includes('email')
  const phone = identifiers.includes('phone')
  // `["email","phone"]` means either one.
  if (email && phone) {
    if (!have.email && !have.phone) missing.push('emailOrPhone')
  } else if (email && !have.email) missing.push('email')
  else if (phone && !have.phone) missing.push('phone')
  return missing
}

export function assertProfileComplete(state: BackendState, experience: ExperienceData, user: User | undefined): void {
  const { profile } = experience
  const missing = missingProfile(state, {
    username: Boolean(user?.username ?? profile.username),
    email: Boolean(user?.email ?? profile.email),
    phone: Boolean(user?.phone ?? profile.phone),
    password: Boolean(user?.passwordHash ?? profile.password),
  })
  if (missing.length > 0) fail(422, 'user.missing_profile', { data: { missingProfile: missing } })
}

/** The factors the account has, backup codes last (only while some are left). */
export function userFactors(user: User): MfaFactor[] {
  const factors: MfaFactor[] = []
  if (user.totpSecret !== null && user.totpVerifiedAt !== null) factors.push('Totp')
  if (user.webAuthn.length > 0) factors.push('WebAuthn')
  if (user.backupCodes.length > 0) factors.push('BackupCode')
  return factors
}

/** Whether the interaction holds a verified second factor (an existing one, not a new binding). */
function mfaVerified(experience: ExperienceData): boolean {
  return experience.mfa.verified === true || [...experience.records.values()].some(isVerifiedFactor)
}

/** Identified through a verified enterprise SSO record: MFA and profile checks are skipped. */
export function identifiedBySso(experience: ExperienceData): boolean {
  const sso = experience.records.get('EnterpriseSso')
  return sso?.type === 'EnterpriseSso' && sso.verified
}

/**
 * Sign-in only: a user with a factor enabled in the sign-in experience must verify one before
 * anything else is done for the account: 403 `session.mfa.require_mfa_verification`.
 */
export function assertMfaVerified(state: BackendState, experience: ExperienceData, user: User): void {
  if (experience.event !== 'SignIn' || identifiedBySso(experience)) return
  const enabled = state.config.experience.mfa.factors
  const available = userFactors(user).filter((factor) => enabled.includes(factor))
  if (available.length === 0 || mfaVerified(experience)) return
  fail(403, 'session.mfa.require_mfa_verification', { data: { availableFactors: available } })
}

function pendingFactors(experience: ExperienceData): MfaFactor[] {
  const { mfa } = experience
  return [...(mfa.totp ? (['Totp'] as const) : []), ...(mfa.webAuthn.length > 0 ? (['WebAuthn'] as const) : []), ...(mfa.backupCodes ? (['BackupCode'] as const) : [])]
}

/** Factors the account will have after submit (existing plus pending bindings). */
function linkedFactors(experience: ExperienceData, user: User): MfaFactor[] {
  return [...new Set([...userFactors(user), ...pendingFactors(experience)])]
}

/**
 * At submit: under `Mandatory` (or `UserControlled` until the user skips) an account without any
 * enabled factor gets 422 `user.missing_mfa`; backup codes in the settings must be bound too.
 */
export function assertMfaFulfilled(state: BackendState, experience: ExperienceData, user: User): void {
  const { policy, factors } = state.config.experience.mfa
  if (factors.length === 0) return
  if (policy !== 'Mandatory' && (experience.mfa.skipped || user.mfaSkipped)) return
  const availableFactors = factors.filter((factor) => factor !== 'BackupCode')
  const linked = linkedFactors(experience, user)
  if (!availableFactors.some((factor) => linked.includes(factor))) {
    fail(422, 'user.missing_mfa', { data: policy === 'Mandatory' ? { availableFactors } : { availableFactors, skippable: true } })
  }
  if (factors.includes('BackupCode') && !linked.includes('BackupCode')) fail(422, 'session.mfa.backup_code_required')
}

/** The enabled SSO connectors for an email's domain (`experience.ssoDomains`: domain → connector ids). */
export function ssoConnectorsFor(state: BackendState, email: string): string[] {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  const { ssoDomains, connectors } = state.config.experience
  const ids = Object.hasOwn(ssoDomains, domain) ? (ssoDomains[domain] ?? []) : []
  return ids.filter((id) => connectors.sso.includes(id))
}

/** 422 `session.sso_enabled` when the email's domain must sign in through enterprise SSO. */
export function assertNotSsoDomain(state: BackendState, email: string | undefined): void {
  if (!email) return
  const ssoConnectors = ssoConnectorsFor(state, email)
  if (ssoConnectors.length > 0) fail(422, 'session.sso_enabled', { data: { ssoConnectors } })
}

/** The records that can name the user of a sign-in. */
const SIGN_IN_RECORDS = new Set<VerificationRecord['type']>(['Password', 'EmailVerificationCode', 'PhoneVerificationCode', 'Social', 'EnterpriseSso'])

/**
 * Logto's sign-in method check, before the record itself is looked at: 422
 * `user.sign_in_method_not_enabled` for a record that cannot sign anyone in (a second factor, a
 * sign-up password), or a password / code for an identifier the settings do not allow it for.
 */
export function assertSignInMethod(state: BackendState, record: VerificationRecord): void {
  if (!SIGN_IN_RECORDS.has(record.type)) fail(422, 'user.sign_in_method_not_enabled')
  if (record.type !== 'Password' && record.type !== 'EmailVerificationCode' && record.type !== 'PhoneVerificationCode') return
  const byPassword = record.type === 'Password'
  const allowed = state.config.experience.signIn.methods.some((method) => method.identifier === record.identifier.type && (byPassword ? method.password : method.verificationCode))
  if (!allowed) fail(422, 'user.sign_in_method_not_enabled')
}
