/** The pending profile, the forgot-password new password, and MFA binding / skipping. */
import type { User } from '../../../state/types'
import { body, experienceOf, identifiedUser, noContent, type ExperienceCall, type ExperienceHandler } from '../call'
import { fail } from '../errors'
import type { ExperienceData, MfaFactor } from '../interaction'
import { assertPasswordPolicy } from '../passwords'
import { assertMfaVerified, assertNotSsoDomain, userFactors } from '../policy'
import { findRecord } from '../records'

type ProfileItem =
  | { type: 'username'; value: string }
  | { type: 'password'; value: string }
  | { type: 'email' | 'phone' | 'social'; verificationId: string }

/** Profile and MFA routes: not in ForgotPassword; in SignIn only for an identified, MFA-verified user. */
function profileContext(call: ExperienceCall, needsUser: boolean): { experience: ExperienceData; user: User | undefined } {
  const experience = experienceOf(call)
  if (experience.event === 'ForgotPassword') fail(400, 'session.not_supported_for_forgot_password')
  if (experience.userId === null) {
    if (needsUser || experience.event === 'SignIn') fail(404, 'session.identifier_not_found')
    return { experience, user: undefined }
  }
  const user = identifiedUser(call)
  assertMfaVerified(call.state, experience, user)
  return { experience, user }
}

const takenByOther = (owner: User | undefined, user: User | undefined) => owner !== undefined && owner.id !== user?.id

export const profileHandlers: Record<string, ExperienceHandler> = {
  async AddUserProfile(call) {
    const { state } = call
    const { experience, user } = profileContext(call, false)
    const item = body<ProfileItem>(call)
    const { profile } = experience
    switch (item.type) {
      case 'username':
        if (user?.username) fail(422, 'user.username_exists_in_profile')
        if (takenByOther(state.users.findByUsername(item.value), user)) fail(422, 'user.username_already_in_use')
        profile.username = item.value
        break
      case 'password':
        if (user?.passwordHash) fail(422, 'user.password_exists_in_profile')
        assertPasswordPolicy(state, item.value)
        profile.password = item.value
        break
      case 'email': {
        const record = findRecord(experience, item.verificationId, ['EmailVerificationCode'])
        if (!record.verified) fail(400, 'session.verification_failed')
        const email = record.identifier.value
        if (takenByOther(state.users.findByEmail(email), user)) fail(422, 'user.email_already_in_use')
        assertNotSsoDomain(state, email)
        profile.email = email
        break
      }
      case 'phone': {
        const record = findRecord(experience, item.verificationId, ['PhoneVerificationCode'])
        if (!record.verified) fail(400, 'session.verification_failed')
        if (takenByOther(state.users.findByPhone(record.identifier.value), user)) fail(422, 'user.phone_already_in_use')
        profile.phone = record.identifier.value
        break
      }
      case 'social': {
        const record = findRecord(experience, item.verificationId, ['Social'])
        if (!record.verified || !record.identity) fail(400, 'session.verification_failed')
        const { connectorId } = record
        const externalId = record.identity.id
        const owner = state.users.findByIdentity(connectorId, externalId)
        if (owner && owner.id !== user?.id) fail(422, 'user.identity_already_in_use')
        profile.identity = { connectorId, id: externalId }
        break
      }
    }
    return noContent()
  },

  async ResetUserPassword(call) {
    const { state } = call
    const experience = experienceOf(call)
    if (experience.event !== 'ForgotPassword') fail(400, 'session.invalid_interaction_type')
    const user = identifiedUser(call)
    const { password } = body<{ password: string }>(call)
    assertPasswordPolicy(state, password)
    if (await state.users.checkPassword(user, password)) fail(422, 'user.same_password')
    experience.newPassword = password
    return noContent()
  },

  async SkipMfaBindingFlow(call) {
    const { experience } = profileContext(call, true)
    if (call.state.config.experience.mfa.policy !== 'UserControlled') fail(422, 'session.mfa.mfa_policy_not_user_controlled')
    experience.mfa.skipped = true
    return noContent()
  },

  async BindMfaVerification(call) {
    const { state } = call
    const { experience, user } = profileContext(call, true)
    if (!user) return fail(404, 'session.identifier_not_found')
    const { type, verificationId } = body<{ type: MfaFactor; verificationId: string }>(call)
    if (!state.config.experience.mfa.factors.includes(type)) fail(400, 'session.mfa.mfa_factor_not_enabled')
    const { mfa } = experience
    switch (type) {
      case 'Totp': {
        const record = findRecord(experience, verificationId, ['Totp'])
        if (record.secret === null) fail(400, 'session.mfa.pending_info_not_found')
        if (!record.verified) fail(400, 'session.verification_failed')
        if (userFactors(user).includes('Totp')) fail(422, 'user.totp_already_in_use')
        mfa.totp = { secret: record.secret }
        break
      }
      case 'WebAuthn': {
        const record = findRecord(experience, verificationId, ['WebAuthn'])
        if (record.mode !== 'registration') fail(400, 'session.mfa.pending_info_not_found')
        if (!record.verified || !record.credential) fail(400, 'session.verification_failed')
        const credential = record.credential
        if (!mfa.webAuthn.some((pending) => pending.id === credential.id)) mfa.webAuthn.push(credential)
        break
      }
      case 'BackupCode': {
        const record = findRecord(experience, verificationId, ['BackupCode'])
        if (record.codes === null) fail(400, 'session.mfa.pending_info_not_found')
        const others = userFactors(user).filter((factor) => factor !== 'BackupCode')
        if (others.length === 0 && !mfa.totp && mfa.webAuthn.length === 0) fail(422, 'session.mfa.backup_code_can_not_be_alone')
        mfa.backupCodes = record.codes
        break
      }
    }
    return noContent()
  },
}
