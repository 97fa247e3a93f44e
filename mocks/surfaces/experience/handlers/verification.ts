/** Password, one-time-code and new-username records. */
import { json } from '../../../control/json'
import { clientOf } from '../../../state/limits'
import { body, experienceOf, type ExperienceCall, type ExperienceHandler } from '../call'
import { fail } from '../errors'
import { assertActive, findUserByIdentifier } from '../identify'
import type { InteractionEvent } from '../interaction'
import { assertPasswordPolicy } from '../passwords'
import { findRecord, putRecord, type VerificationRecord } from '../records'

/** Codes: six digits, 10 minutes, 10 tries (the backend's figures). */
export const CODE_TTL_MS = 10 * 60_000
export const CODE_MAX_ATTEMPTS = 10

type Identifier = { type: 'username' | 'email' | 'phone'; value: string }
type CodeIdentifier = { type: 'email' | 'phone'; value: string }

const codeKey = (recordId: string) => `experience:code:${recordId}`

const PURPOSES: Record<InteractionEvent, string> = {
  SignIn: 'experience.sign_in',
  Register: 'experience.register',
  ForgotPassword: 'experience.forgot_password',
}

/** 501 `connector.not_found` when the email or SMS connector is switched off. */
function assertConnector(call: ExperienceCall, type: 'email' | 'phone'): void {
  const { connectors } = call.state.config.experience
  if (!(type === 'email' ? connectors.email : connectors.sms)) fail(501, 'connector.not_found', { interpolation: { type: type === 'email' ? 'Email' : 'Sms' } })
}

const verified = (record: VerificationRecord) => json({ verificationId: record.id })

function relativeTime(ms: number): string {
  const minutes = Math.ceil(ms / 60_000)
  return minutes <= 1 ? 'in a minute' : `in ${minutes} minutes`
}

export const verificationHandlers: Record<string, ExperienceHandler> = {
  async CreatePasswordVerification(call) {
    const { state } = call
    const experience = experienceOf(call)
    const { identifier, password } = body<{ identifier: Identifier; password: string }>(call)
    // Failures are throttled per identifier and per client (config.limits.passwordFailures), on the mock clock.
    const taken = state.limits.take('passwordFailures', { account: `${identifier.type}:${identifier.value}`, client: clientOf(call.context.request) })
    if (!taken.ok) fail(400, 'session.verification_blocked_too_many_attempts', { interpolation: { relativeTime: relativeTime(taken.retryAfterMs) } })
    const user = findUserByIdentifier(state, identifier.type, identifier.value)
    // Same work for an unknown account, so timing does not tell which accounts exist.
    if (!(await state.users.checkPassword(user, password)) || !user) fail(422, 'session.invalid_credentials')
    taken.release()
    assertActive(user)
    return verified(putRecord(experience, { type: 'Password', verified: true, userId: user.id, identifier }))
  },

  async CreateAndSendVerificationCode(call) {
    const { state } = call
    const experience = experienceOf(call)
    const { identifier, interactionEvent } = body<{ identifier: CodeIdentifier; interactionEvent: InteractionEvent }>(call)
    assertConnector(call, identifier.type)
    // Sends are throttled per identifier, per client and per destination (config.limits.codeSends).
    const sends = state.limits.take('codeSends', { account: identifier.value, destination: identifier.value, client: clientOf(call.context.request) })
    if (!sends.ok) fail(400, 'session.verification_blocked_too_many_attempts', { interpolation: { relativeTime: relativeTime(sends.retryAfterMs) } })
    const type = identifier.type === 'email' ? 'EmailVerificationCode' : 'PhoneVerificationCode'
    const previous = experience.records.get(type)
    if (previous?.type === type) state.codes.revoke(previous.codeKey)
    const record = putRecord(experience, { type, verified: false, identifier, event: interactionEvent, codeKey: '' })
    record.codeKey = codeKey(record.id)
    const owner = findUserByIdentifier(state, identifier.type, identifier.value)
    const issued = state.codes.issue({ key: record.codeKey, userId: owner?.id ?? '', purpose: PURPOSES[interactionEvent], ttlMs: CODE_TTL_MS, maxAttempts: CODE_MAX_ATTEMPTS })
    state.outbox.send({
      channel: identifier.type === 'email' ? 'email' : 'sms',
      to: identifier.value,
      purpose: PURPOSES[interactionEvent],
      subject: 'Your Portcullis verification code',
      body: `Your Portcullis verification code is ${issued.code}. It expires in 10 minutes.`,
      code: issued.code,
      token: null,
    })
    return json({ verificationId: record.id })
  },

  async VerifyVerificationCodeVerification(call) {
    const { state } = call
    const experience = experienceOf(call)
    const { identifier, verificationId, code } = body<{ identifier: CodeIdentifier; verificationId: string; code: string }>(call)
    assertConnector(call, identifier.type)
    const record = findRecord(experience, verificationId, ['EmailVerificationCode', 'PhoneVerificationCode'])
    const sameIdentifier = identifier.type === record.identifier.type && identifier.value.toLowerCase() === record.identifier.value.toLowerCase()
    if (!sameIdentifier) fail(400, record.type === 'EmailVerificationCode' ? 'verification_code.email_mismatch' : 'verification_code.phone_mismatch')
    if (record.verified) return verified(record)
    // Wrong codes also count against the identifier and the client (config.limits.codeFailures),
    // so replacing the code with a new send buys no extra guesses.
    const guesses = state.limits.take('codeFailures', { account: record.identifier.value, client: clientOf(call.context.request) })
    if (!guesses.ok) fail(400, 'verification_code.exceed_max_try')
    const checked = state.codes.check(record.codeKey, code)
    if (checked.result === 'expired') fail(400, 'verification_code.expired')
    if (checked.result === 'exhausted') fail(400, 'verification_code.exceed_max_try')
    if (checked.result !== 'ok') fail(400, 'verification_code.code_mismatch')
    guesses.release()
    record.verified = true
    return verified(record)
  },

  async CreateNewPasswordIdentityVerification(call) {
    const { state } = call
    const experience = experienceOf(call)
    const { identifier, password } = body<{ identifier: { type: 'username'; value: string }; password: string }>(call)
    if (state.users.findByUsername(identifier.value)) fail(422, 'user.username_already_in_use')
    assertPasswordPolicy(state, password)
    return verified(putRecord(experience, { type: 'NewPasswordIdentity', verified: true, username: identifier.value, password }))
  },
}
