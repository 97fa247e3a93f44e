/** Starting, switching, identifying and submitting an interaction. */
import { hashBackupCode } from '../../../state/users'
import { MockInputError, type BackendState, type User } from '../../../state/types'
import { json } from '../../../control/json'
import { body, experienceOf, identifiedUser, noContent, type ExperienceCall, type ExperienceHandler } from '../call'
import { fail } from '../errors'
import { assertActive, userFromRecord } from '../identify'
import { newExperience, type ExperienceData, type InteractionEvent } from '../interaction'
import { assertMfaFulfilled, assertMfaVerified, assertNotSsoDomain, assertProfileComplete, assertSignInMethod, identifiedBySso } from '../policy'
import { anyRecord } from '../records'

/** 403 `auth.forbidden` when the sign-in mode does not offer the event. */
function assertEventAllowed(state: BackendState, event: InteractionEvent): void {
  const mode = state.config.experience.signInMode
  if ((event === 'Register' && mode === 'SignIn') || (event === 'SignIn' && mode === 'Register')) fail(403, 'auth.forbidden')
}

/** 422 `user.<field>_already_in_use` when another account owns a pending identifier. */
function assertProfileAvailable(state: BackendState, experience: ExperienceData, userId: string | null): void {
  const { username, email, phone, identity } = experience.profile
  const taken = (owner: User | undefined) => owner !== undefined && owner.id !== userId
  if (username && taken(state.users.findByUsername(username))) fail(422, 'user.username_already_in_use')
  if (email && taken(state.users.findByEmail(email))) fail(422, 'user.email_already_in_use')
  if (phone && taken(state.users.findByPhone(phone))) fail(422, 'user.phone_already_in_use')
  if (identity && taken(state.users.findByIdentity(identity.connectorId, identity.id))) fail(422, 'user.identity_already_in_use')
}

/** Maps the store's uniqueness errors to the documented 422s. */
function inUse(error: unknown): never {
  if (error instanceof MockInputError) {
    if (error.code === 'username_in_use') fail(422, 'user.username_already_in_use')
    if (error.code === 'email_in_use') fail(422, 'user.email_already_in_use')
    if (error.code === 'phone_in_use') fail(422, 'user.phone_already_in_use')
  }
  throw error
}

/** Merges what a Register record proves into the pending profile. */
function stageRegistration(state: BackendState, experience: ExperienceData, verificationId: string): void {
  const record = anyRecord(experience, verificationId)
  if (!record.verified) fail(400, 'session.verification_failed')
  const { profile } = experience
  switch (record.type) {
    case 'NewPasswordIdentity':
      profile.username = record.username
      profile.password = record.password
      return
    case 'EmailVerificationCode':
      assertNotSsoDomain(state, record.identifier.value)
      profile.email = record.identifier.value
      return
    case 'PhoneVerificationCode':
      profile.phone = record.identifier.value
      return
    case 'Social':
    case 'EnterpriseSso': {
      const identity = record.identity ?? fail(400, 'session.verification_failed')
      profile.identity = { connectorId: record.connectorId, id: identity.id }
      if (identity.email && !state.users.findByEmail(identity.email)) profile.email = identity.email
      if (identity.phone && !state.users.findByPhone(identity.phone)) profile.phone = identity.phone
      return
    }
    default:
      fail(400, 'session.verification_failed')
  }
}

async function register(call: ExperienceCall, experience: ExperienceData, verificationId: string | undefined): Promise<Response> {
  const { state } = call
  if (experience.userId !== null) fail(409, 'session.identity_conflict')
  if (verificationId !== undefined) stageRegistration(state, experience, verificationId)
  assertProfileAvailable(state, experience, null)
  assertProfileComplete(state, experience, undefined)
  const { username, email, phone, password, identity } = experience.profile
  let user: User
  try {
    user = await state.users.create({
      username: username ?? null,
      email: email ?? null,
      phone: phone ?? null,
      password: password ?? null,
      verified: email !== undefined,
      phoneVerified: phone !== undefined,
      firstName: '',
      lastName: '',
    })
  } catch (error) {
    inUse(error)
  }
  if (identity) user = state.users.update(user.id, { identities: { [identity.connectorId]: identity.id } })
  experience.userId = user.id
  experience.profile = {}
  return noContent(201)
}

export const interactionHandlers: Record<string, ExperienceHandler> = {
  async InitInteraction(call) {
    const { interactionEvent } = body<{ interactionEvent: InteractionEvent }>(call)
    call.interaction.experience = newExperience(interactionEvent)
    call.interaction.result = null
    return noContent()
  },

  async UpdateInteractionEvent(call) {
    const experience = experienceOf(call)
    const { interactionEvent } = body<{ interactionEvent: InteractionEvent }>(call)
    // Logto's order: the sign-in mode first, then ForgotPassword cannot be swapped with the others.
    assertEventAllowed(call.state, interactionEvent)
    if ((interactionEvent === 'ForgotPassword') !== (experience.event === 'ForgotPassword')) fail(400, 'session.not_supported_for_forgot_password')
    // SignIn ↔ Register keeps the records but not the pending profile.
    if (experience.event !== interactionEvent) experience.profile = {}
    experience.event = interactionEvent
    return noContent()
  },

  async IdentifyUser(call) {
    const { state } = call
    const experience = experienceOf(call)
    const { verificationId, linkSocialIdentity } = body<{ verificationId?: string; linkSocialIdentity?: boolean }>(call)
    if (experience.event !== 'ForgotPassword') assertEventAllowed(state, experience.event)
    if (experience.event === 'Register') return register(call, experience, verificationId)

    if (verificationId === undefined) fail(400, 'guard.invalid_input', { interpolation: { type: 'body' }, details: 'body.verificationId: is required for SignIn and ForgotPassword' })
    const record = anyRecord(experience, verificationId)
    if (experience.event === 'ForgotPassword' && record.type !== 'EmailVerificationCode' && record.type !== 'PhoneVerificationCode') {
      fail(422, 'session.not_supported_for_forgot_password')
    }
    if (experience.event === 'SignIn') assertSignInMethod(state, record)
    // An email whose domain belongs to enterprise SSO may not sign in with a password or a code.
    if (experience.event === 'SignIn' && (record.type === 'Password' || record.type === 'EmailVerificationCode') && record.identifier.type === 'email') {
      assertNotSsoDomain(state, record.identifier.value)
    }
    const user = userFromRecord(state, experience, record, linkSocialIdentity === true)
    assertActive(user)
    if (experience.userId !== null && experience.userId !== user.id) fail(409, 'session.identity_conflict')
    experience.userId = user.id
    return noContent()
  },

  async SubmitInteraction(call) {
    const { state, interaction, origin } = call
    const experience = experienceOf(call)
    const user = identifiedUser(call)
    assertActive(user)

    if (experience.event === 'ForgotPassword') {
      if (experience.newPassword === undefined) fail(422, 'user.new_password_required_in_profile')
      await state.users.setPassword(user.id, experience.newPassword)
      // A new password ends every session the old one opened, on every surface.
      state.tokens.revokeUserSessions(user.id)
      interaction.experience = null
      return new Response(null, { status: 200 })
    }

    // Logto's order; a verified enterprise SSO identity skips the MFA and mandatory-profile checks.
    const sso = identifiedBySso(experience)
    if (!sso) assertMfaVerified(state, experience, user)
    assertProfileAvailable(state, experience, user.id)
    if (!sso) {
      assertProfileComplete(state, experience, user)
      assertMfaFulfilled(state, experience, user)
    }

    const updated = await commit(state, experience, user)
    interaction.result = { userId: updated.id, amr: amrOf(experience), authTime: Math.floor(state.clock.now() / 1000) }
    return json({ redirectTo: `${origin}/oidc/auth/${interaction.uid}` })
  },
}

/** Writes the pending profile and MFA bindings to the account, and the sign-in time. */
async function commit(state: BackendState, experience: ExperienceData, user: User): Promise<User> {
  const { profile, mfa } = experience
  const now = state.clock.now()
  const patch: Partial<User> = { lastLoginAt: now }
  if (profile.username) patch.username = profile.username
  if (profile.email) Object.assign(patch, { email: profile.email, verified: true, emailVerifiedAt: now })
  if (profile.phone) Object.assign(patch, { phone: profile.phone, phoneVerifiedAt: now })
  if (profile.identity) patch.identities = { ...user.identities, [profile.identity.connectorId]: profile.identity.id }
  if (mfa.totp) Object.assign(patch, { totpSecret: mfa.totp.secret, totpVerifiedAt: now })
  if (mfa.webAuthn.length > 0) patch.webAuthn = [...user.webAuthn, ...mfa.webAuthn.map((credential) => ({ ...credential, createdAt: now }))]
  if (mfa.backupCodes) patch.backupCodes = await Promise.all(mfa.backupCodes.map(hashBackupCode))
  if (mfa.skipped) patch.mfaSkipped = true
  let updated: User
  try {
    updated = state.users.update(user.id, patch)
  } catch (error) {
    inUse(error)
  }
  if (profile.password) updated = await state.users.setPassword(user.id, profile.password)
  experience.profile = {}
  experience.mfa = { skipped: false, webAuthn: [] }
  return updated
}

/** RFC 8176 method references for what the interaction verified. */
function amrOf(experience: ExperienceData): string[] {
  const amr = new Set<string>()
  for (const record of experience.records.values()) {
    if (!record.verified) continue
    if (record.type === 'Password' || record.type === 'NewPasswordIdentity') amr.add('pwd')
    if (record.type === 'EmailVerificationCode' || record.type === 'PhoneVerificationCode') amr.add('otp')
    if (record.type === 'Totp') amr.add('otp').add('mfa')
    if (record.type === 'WebAuthn') amr.add('hwk').add('mfa')
    if (record.type === 'BackupCode') amr.add('mfa')
    if (record.type === 'Social' || record.type === 'EnterpriseSso') amr.add('fed')
  }
  return [...amr]
}
