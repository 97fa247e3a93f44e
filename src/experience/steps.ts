/**
 * Typed views of the experience adapter's challenges, for a sign-in page: what to show and ask
 * for at each step (where a code went, which profile fields are missing, the TOTP secret and QR
 * code to enrol, the backup codes to write down, the WebAuthn options for `navigator.credentials`).
 * Plain readers of `challenge.toJSON()`: nothing here is in the sign-in bundle unless imported.
 */
import type { ChallengeMethod } from '../core/adapter'
import type { Challenge } from '../core/challenge'
import type { components } from '../generated/experience/openapi'

type Schemas = components['schemas']

export type ExperienceStep =
  /** A one-time code went to `to` (methods `email_code` / `phone_code`); `verify(code)`. */
  | { kind: 'sign_in_code'; channel: 'email' | 'phone'; to: string }
  /** The account's second factor: `verify(totpCode | backupCode | { method: 'backup_code', code } | credential)`. */
  | { kind: 'sign_in_2fa'; methods: ChallengeMethod[]; webauthn: Schemas['WebAuthnAuthenticationOptions'] | null }
  /** Fields the backend requires: `verify({ username?, password?, email?, phone? })` (`emailOrPhone`: either). */
  | { kind: 'missing_profile'; missing: Schemas['MissingProfileEntry'][] }
  /** Pick a factor to enrol: `verify('totp' | 'webauthn' | 'backup_code')`, or `verify({ skip: true })` when `skippable`. */
  | { kind: 'bind_mfa'; enrolling: null; methods: ChallengeMethod[]; skippable: boolean }
  /** Enrolling TOTP: show the secret / QR code, then `verify(code)` from the app. */
  | { kind: 'bind_mfa'; enrolling: 'totp'; secret: string; qrCode: string }
  /** Enrolling a passkey: `verify(await navigator.credentials.create(...))` (see `createWebAuthnCredential`). */
  | { kind: 'bind_mfa'; enrolling: 'webauthn'; webauthn: Schemas['WebAuthnRegistrationOptions'] }
  /** Backup codes to write down; `verify({})` once they are kept. */
  | { kind: 'bind_mfa'; enrolling: 'backup_code'; codes: string[] }
  /** Send the user to `authorizationUri`; `verify(callbackUrl)` when the provider sends them back. */
  | { kind: 'connector_redirect'; connectorId: string; sso: boolean; authorizationUri: string }
  /** No account owns this provider identity: `verify('register')` (a new account) or `verify('link')` (the account with its email). */
  | { kind: 'new_identity'; connectorId: string; sso: boolean }
  | { kind: 'other' }

const parse = <T>(value: unknown): T | null => {
  try {
    return typeof value === 'string' ? (JSON.parse(value) as T) : null
  } catch {
    return null
  }
}

/** What an experience challenge asks for, typed by its kind. */
export function describeStep(challenge: Challenge): ExperienceStep {
  const { kind, methods, data } = challenge.toJSON()
  const text = (key: string): string => String(data[key] ?? '')
  switch (kind) {
    case 'sign_in_code':
      return { kind, channel: data['type'] === 'phone' ? 'phone' : 'email', to: text('to') }
    case 'sign_in_2fa':
      return { kind, methods, webauthn: parse(data['webauthnOptions']) }
    case 'missing_profile':
      return { kind, missing: text('missing').split(' ').filter(Boolean) as Schemas['MissingProfileEntry'][] }
    case 'bind_mfa': {
      const binding = data['binding']
      if (binding === 'Totp') return { kind, enrolling: 'totp', secret: text('secret'), qrCode: text('qrCode') }
      if (binding === 'WebAuthn') return { kind, enrolling: 'webauthn', webauthn: parse(data['webauthnOptions'])! }
      if (binding === 'BackupCode') return { kind, enrolling: 'backup_code', codes: text('codes').split(' ') }
      return { kind, enrolling: null, methods, skippable: data['skippable'] === true }
    }
    case 'connector_redirect':
      return { kind, connectorId: text('connectorId'), sso: data['sso'] === true, authorizationUri: text('authorizationUri') }
    case 'new_identity':
      return { kind, connectorId: text('connectorId'), sso: data['sso'] === true }
    default:
      return { kind: 'other' }
  }
}

interface PublicKeyCredentialStatics {
  parseRequestOptionsFromJSON(options: unknown): PublicKeyCredentialRequestOptions
  parseCreationOptionsFromJSON(options: unknown): PublicKeyCredentialCreationOptions
}

async function credentialJson(credential: Credential | null): Promise<Record<string, unknown>> {
  const json = (credential as (Credential & { toJSON?(): Record<string, unknown> }) | null)?.toJSON?.()
  if (!json) throw new Error('The browser returned no WebAuthn credential.')
  return json
}

/**
 * In a page: asks the browser's authenticator for the assertion a `sign_in_2fa` step with
 * `webauthn` wants, as the JSON `challenge.verify()` takes. Needs WebAuthn Level 3 JSON helpers
 * (Chrome/Edge 129+, Firefox 119+, Safari 18.4+).
 */
export async function getWebAuthnCredential(challenge: Challenge): Promise<Record<string, unknown>> {
  const step = describeStep(challenge)
  if (step.kind !== 'sign_in_2fa' || !step.webauthn) throw new Error('This step does not ask for a WebAuthn credential.')
  const publicKey = (PublicKeyCredential as unknown as PublicKeyCredentialStatics).parseRequestOptionsFromJSON(step.webauthn)
  return credentialJson(await navigator.credentials.get({ publicKey }))
}

/** In a page: creates the passkey a `bind_mfa` step enrolling `webauthn` wants, as the JSON `challenge.verify()` takes. */
export async function createWebAuthnCredential(challenge: Challenge): Promise<Record<string, unknown>> {
  const step = describeStep(challenge)
  if (step.kind !== 'bind_mfa' || step.enrolling !== 'webauthn') throw new Error('This step does not enrol a WebAuthn credential.')
  const publicKey = (PublicKeyCredential as unknown as PublicKeyCredentialStatics).parseCreationOptionsFromJSON(step.webauthn)
  return credentialJson(await navigator.credentials.create({ publicKey }))
}
