/**
 * Everything past a plain password sign-in, loaded on first use so the sign-in bundle stays
 * small: one-time codes (passwordless sign-in, sign-up, password reset, a profile email/phone),
 * MFA verification, missing profile fields, and enrolling (or skipping) a second factor.
 * Each step is a challenge whose `data` keeps the interaction (see `./step-state`).
 */
import type { AdapterContext, AdapterResult, ChallengeMethod, ChallengeState } from '../core/adapter'
import { AuthError } from '../core/errors'
import type { components } from '../generated/experience/openapi'
import type { ExperienceSignUp, ProfileAnswer } from './adapter'
import { connectorVerifiers } from './connector'
import type { Flow, Kit } from './sign-in'
import { resume, step, type Data } from './step-state'

type Schemas = components['schemas']
export type Answer = string | Record<string, unknown>
type CodeTarget = Schemas['VerificationCodeIdentifier']

const METHODS: Record<string, ChallengeMethod> = { Totp: 'totp', WebAuthn: 'webauthn', BackupCode: 'backup_code' }
const methodsOf = (factors: readonly string[]): ChallengeMethod[] => factors.map((factor) => METHODS[factor]!).filter(Boolean)

const target = (input: { email?: string; phone?: string }): CodeTarget => (input.email ? { type: 'email', value: input.email } : { type: 'phone', value: input.phone ?? '' })

/** What the user typed, as a code. */
function codeOf(answer: Answer): string {
  const code = typeof answer === 'string' ? answer : answer['code']
  if (typeof code !== 'string' || !code.trim()) throw new AuthError('Enter the code.', { code: 'invalid_code', kind: 'validation' })
  return code.trim()
}

/** A `PublicKeyCredential` (or its `toJSON()`) as the experience API's payload (`type: "WebAuthn"`). */
function webAuthnPayload(answer: Answer): Record<string, unknown> {
  const json = typeof answer === 'object' && typeof answer['toJSON'] === 'function' ? (answer['toJSON'] as () => Record<string, unknown>)() : answer
  if (typeof json !== 'object' || !json['response'] || typeof json['id'] !== 'string') {
    throw new AuthError('Pass the credential from navigator.credentials.', { code: 'invalid_credential', kind: 'validation' })
  }
  return { ...json, type: 'WebAuthn' }
}

/** Sends a one-time code: a `sign_in_code` step; `purpose` says whether it identifies the user or confirms a profile field. */
export async function sendCode(kit: Kit, context: AdapterContext, flow: Flow, identifier: Schemas['SignInIdentifier'], purpose: 'identify' | 'profile'): Promise<AdapterResult> {
  if (identifier.type === 'username') {
    throw new AuthError('Sign in with a password, or with an email or phone alone.', { code: 'password_required', kind: 'validation', details: { password: ['Required.'] } })
  }
  const { verificationId } = await kit.call<Schemas['VerificationIdResponse']>(context, flow, 'POST', '/verification/verification-code', {
    identifier,
    interactionEvent: flow.event,
  })
  const method = identifier.type === 'email' ? 'email_code' : 'phone_code'
  return step(kit, context, flow, 'sign_in_code', [method], { purpose, verificationId, type: identifier.type, to: identifier.value }, true)
}

/** The MFA verification step, with WebAuthn options ready when the account has a key. */
async function mfaStep(kit: Kit, context: AdapterContext, flow: Flow, factors: readonly string[]): Promise<AdapterResult> {
  let methods = methodsOf(factors)
  const data: Data = {}
  if (methods.includes('webauthn')) {
    try {
      const created = await kit.call<{ verificationId: string; authenticationOptions: unknown }>(context, flow, 'POST', '/verification/web-authn/authentication')
      data['webauthnId'] = created.verificationId
      data['webauthnOptions'] = JSON.stringify(created.authenticationOptions)
    } catch {
      methods = methods.filter((method) => method !== 'webauthn')
    }
  }
  return step(kit, context, flow, 'sign_in_2fa', methods, data)
}

/** What the backend still wants (an error at identification or submit), as the next step; any other error is thrown. */
export function nextStep(kit: Kit, context: AdapterContext, flow: Flow, error: AuthError | null): Promise<AdapterResult> | AdapterResult {
  // No error: an identified password reset, which wants the new password.
  if (!error) return step(kit, context, flow, 'missing_profile', [], { missing: 'password' })
  const list = (key: string): readonly string[] => error.details?.[key] ?? []
  switch (error.code) {
    case 'session.mfa.require_mfa_verification':
      return mfaStep(kit, context, flow, list('availableFactors'))
    case 'user.missing_profile':
      return step(kit, context, flow, 'missing_profile', [], { missing: list('missingProfile').join(' ') })
    case 'user.missing_mfa':
      return step(kit, context, flow, 'bind_mfa', methodsOf(list('availableFactors')), { skippable: list('skippable')[0] === 'true' })
    case 'session.mfa.backup_code_required':
      return step(kit, context, flow, 'bind_mfa', ['backup_code'], { skippable: false })
    default:
      throw error
  }
}

export type Verifier = (kit: Kit, context: AdapterContext, flow: Flow, data: Data, answer: Answer) => Promise<AdapterResult>

const verifiers: Record<string, Verifier> = {
  async sign_in_code(kit, context, flow, data, answer) {
    const verificationId = String(data['verificationId'])
    await kit.call(context, flow, 'POST', '/verification/verification-code/verify', { identifier: { type: data['type'], value: data['to'] }, verificationId, code: codeOf(answer) })
    if (data['purpose'] === 'identify') return kit.advance(context, flow, { verificationId })
    await kit.call(context, flow, 'POST', '/profile', { type: data['type'], verificationId })
    return kit.advance(context, flow, flow.event === 'Register' ? {} : undefined)
  },

  /** A code (six digits: TOTP; longer: a backup code; or `{ method, code }`), or a WebAuthn credential. */
  async sign_in_2fa(kit, context, flow, data, answer) {
    if (typeof answer === 'object' && (answer['response'] || answer['toJSON'])) {
      await kit.call(context, flow, 'POST', '/verification/web-authn/authentication/verify', { verificationId: data['webauthnId'], payload: webAuthnPayload(answer) })
    } else {
      const method = typeof answer === 'object' ? answer['method'] : undefined
      const code = codeOf(answer)
      const backup = method === 'backup_code' || (method !== 'totp' && !/^\d{6}$/.test(code))
      await kit.call(context, flow, 'POST', backup ? '/verification/backup-code/verify' : '/verification/totp/verify', { code })
    }
    return kit.advance(context, flow)
  },

  /** Username / password are set at once; an email or phone is confirmed by a code first. */
  async missing_profile(kit, context, flow, _data, answer) {
    const profile = (typeof answer === 'object' ? answer : {}) as ProfileAnswer
    if (flow.event === 'ForgotPassword') {
      await kit.call(context, flow, 'PUT', '/profile/password', { password: profile.password ?? '' })
      await kit.call(context, flow, 'POST', '/submit')
      return { type: 'done' }
    }
    for (const type of ['username', 'password'] as const) {
      const value = profile[type]
      if (value !== undefined) await kit.call(context, flow, 'POST', '/profile', { type, value })
    }
    if (profile.email || profile.phone) return sendCode(kit, context, flow, target(profile), 'profile')
    return kit.advance(context, flow, flow.event === 'Register' ? {} : undefined)
  },

  /** Pick a factor (or `{ skip: true }`), then answer its enrolment: a TOTP code, a new credential, or any answer once the backup codes are kept. */
  async bind_mfa(kit, context, flow, data, answer) {
    const binding = data['binding']
    if (typeof binding === 'string') {
      const verificationId = String(data['verificationId'])
      if (binding === 'Totp') await kit.call(context, flow, 'POST', '/verification/totp/verify', { code: codeOf(answer), verificationId })
      if (binding === 'WebAuthn') await kit.call(context, flow, 'POST', '/verification/web-authn/registration/verify', { verificationId, payload: webAuthnPayload(answer) })
      await kit.call(context, flow, 'POST', '/profile/mfa', { type: binding, verificationId })
      return kit.advance(context, flow)
    }
    if (typeof answer === 'object' && answer['skip'] === true) {
      await kit.call(context, flow, 'POST', '/profile/mfa/mfa-skipped')
      return kit.advance(context, flow)
    }
    const method = typeof answer === 'string' ? answer : answer['method']
    if (method === 'totp') {
      const r = await kit.call<Schemas['TotpSecretResponse']>(context, flow, 'POST', '/verification/totp/secret')
      return step(kit, context, flow, 'bind_mfa', ['totp'], { binding: 'Totp', verificationId: r.verificationId, secret: r.secret, qrCode: r.secretQrCode })
    }
    if (method === 'webauthn') {
      const r = await kit.call<{ verificationId: string; registrationOptions: unknown }>(context, flow, 'POST', '/verification/web-authn/registration')
      return step(kit, context, flow, 'bind_mfa', ['webauthn'], { binding: 'WebAuthn', verificationId: r.verificationId, webauthnOptions: JSON.stringify(r.registrationOptions) })
    }
    if (method === 'backup_code') {
      const r = await kit.call<Schemas['BackupCodesResponse']>(context, flow, 'POST', '/verification/backup-code/generate')
      return step(kit, context, flow, 'bind_mfa', ['backup_code'], { binding: 'BackupCode', verificationId: r.verificationId, codes: r.codes.join(' ') })
    }
    throw new AuthError('Choose one of the offered factors.', { code: 'invalid_method', kind: 'validation' })
  },
}

export function verify(kit: Kit, context: AdapterContext, state: ChallengeState, answer: Answer): Promise<AdapterResult> {
  const verifier = verifiers[state.kind] ?? connectorVerifiers[state.kind]
  if (!verifier) throw new AuthError('This challenge does not belong to the experience API.', { code: 'invalid_challenge', kind: 'validation' })
  return verifier(kit, context, resume(kit, context, state.data), state.data, answer)
}

/** A new code (the old record stops working), or fresh WebAuthn options; other steps have nothing to resend. */
export async function resend(kit: Kit, context: AdapterContext, state: ChallengeState): Promise<ChallengeState> {
  const flow = resume(kit, context, state.data)
  const data = state.data
  const next =
    state.kind === 'sign_in_code'
      ? await sendCode(kit, context, flow, target({ [String(data['type'])]: String(data['to']) }), data['purpose'] === 'profile' ? 'profile' : 'identify')
      : state.kind === 'sign_in_2fa' && state.methods.includes('webauthn')
        ? await mfaStep(kit, context, flow, ['WebAuthn'])
        : null
  return next?.type === 'challenge' ? { ...next.challenge, methods: next.challenge.kind === 'sign_in_2fa' ? state.methods : next.challenge.methods } : state
}

export async function signUp(kit: Kit, context: AdapterContext, input: ExperienceSignUp): Promise<AdapterResult> {
  const flow = await kit.begin(context, 'Register')
  if (!('username' in input)) return sendCode(kit, context, flow, target(input), 'identify')
  const { verificationId } = await kit.call<Schemas['VerificationIdResponse']>(context, flow, 'POST', '/verification/new-password-identity', {
    identifier: { type: 'username', value: input.username },
    password: input.password,
  })
  return kit.advance(context, flow, { verificationId })
}

export async function resetPassword(kit: Kit, context: AdapterContext, input: { email: string } | { phone: string }): Promise<AdapterResult> {
  return sendCode(kit, context, await kit.begin(context, 'ForgotPassword'), target(input), 'identify')
}
