/** WebAuthn records, verified with @simplewebauthn/server. */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { json } from '../../../control/json'
import { fromBase64Url, toBase64Url } from '../../../state/bytes'
import { body, experienceOf, identifiedUser, type ExperienceCall, type ExperienceHandler } from '../call'
import { fail } from '../errors'
import { clientOrigins } from '../oidc/clients'
import { findRecord, putRecord } from '../records'

export const WEBAUTHN_RP_NAME = 'Portcullis'
const TIMEOUT_MS = 60_000

/** The page may be on the mock's origin or on a registered client's origin. */
function expected(call: ExperienceCall): { origins: string[]; rpIds: string[] } {
  const origins = [...new Set([call.origin, ...clientOrigins()])]
  return { origins, rpIds: [...new Set(origins.map((origin) => new URL(origin).hostname))] }
}

const failed = (): never => fail(400, 'session.mfa.webauthn_verification_failed')

/** Runs a library check: a throw (malformed payload) or a negative verdict is the documented failure. */
async function check<T extends { verified: boolean }>(run: () => Promise<T>): Promise<T> {
  let result: T
  try {
    result = await run()
  } catch {
    return failed()
  }
  return result.verified ? result : failed()
}

/** The API's payload says `type: "WebAuthn"`; the library expects the browser's `public-key`. */
function asCredential<T>(payload: Record<string, unknown>): T {
  return { ...payload, type: 'public-key' } as T
}

export const webAuthnHandlers: Record<string, ExperienceHandler> = {
  async CreateWebAuthnRegistrationVerification(call) {
    const user = identifiedUser(call)
    const options = await generateRegistrationOptions({
      rpName: WEBAUTHN_RP_NAME,
      rpID: new URL(call.origin).hostname,
      userName: user.username ?? user.email ?? user.phone ?? user.id,
      userID: new TextEncoder().encode(user.id),
      userDisplayName: [user.firstName, user.lastName].filter(Boolean).join(' ') || (user.username ?? user.email ?? ''),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: user.webAuthn.map((credential) => ({ id: credential.id, transports: credential.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    })
    const { hints: _hints, ...registrationOptions } = options
    const record = putRecord(experienceOf(call), { type: 'WebAuthn', verified: false, userId: user.id, mode: 'registration', challenge: options.challenge, credential: null })
    return json({ verificationId: record.id, registrationOptions })
  },

  async VerifyWebAuthnRegistrationVerification(call) {
    const user = identifiedUser(call)
    const { verificationId, payload } = body<{ verificationId: string; payload: Record<string, unknown> }>(call)
    const record = findRecord(experienceOf(call), verificationId, ['WebAuthn'])
    if (record.mode !== 'registration' || record.userId !== user.id) fail(400, 'session.mfa.pending_info_not_found')
    const { origins, rpIds } = expected(call)
    const result = await check(() =>
      verifyRegistrationResponse({
        response: asCredential<RegistrationResponseJSON>(payload),
        expectedChallenge: record.challenge,
        expectedOrigin: origins,
        expectedRPID: rpIds,
        requireUserVerification: false,
      }),
    )
    if (!result.registrationInfo) return failed()
    const { credential } = result.registrationInfo
    if (user.webAuthn.some((existing) => existing.id === credential.id)) failed()
    record.credential = { id: credential.id, publicKey: toBase64Url(credential.publicKey), counter: credential.counter, transports: credential.transports ?? [] }
    record.verified = true
    // The challenge is single use.
    record.challenge = ''
    return json({ verificationId: record.id })
  },

  async CreateWebAuthnAuthenticationVerification(call) {
    const user = identifiedUser(call)
    if (user.webAuthn.length === 0) fail(400, 'session.mfa.webauthn_verification_not_found')
    const authenticationOptions = await generateAuthenticationOptions({
      rpID: new URL(call.origin).hostname,
      allowCredentials: user.webAuthn.map((credential) => ({ id: credential.id, transports: credential.transports })),
      timeout: TIMEOUT_MS,
      userVerification: 'preferred',
    })
    const record = putRecord(experienceOf(call), { type: 'WebAuthn', verified: false, userId: user.id, mode: 'authentication', challenge: authenticationOptions.challenge, credential: null })
    return json({ verificationId: record.id, authenticationOptions })
  },

  async VerifyWebAuthnAuthenticationVerification(call) {
    const { state } = call
    const user = identifiedUser(call)
    const { verificationId, payload } = body<{ verificationId: string; payload: Record<string, unknown> }>(call)
    const record = findRecord(experienceOf(call), verificationId, ['WebAuthn'])
    if (record.mode !== 'authentication' || record.userId !== user.id || record.challenge === '') fail(400, 'session.mfa.pending_info_not_found')
    const stored = user.webAuthn.find((credential) => credential.id === payload['id'])
    const publicKey = stored ? fromBase64Url(stored.publicKey) : undefined
    if (!stored || !publicKey) return failed()
    const { origins, rpIds } = expected(call)
    const result = await check(() =>
      verifyAuthenticationResponse({
        response: asCredential<AuthenticationResponseJSON>(payload),
        expectedChallenge: record.challenge,
        expectedOrigin: origins,
        expectedRPID: rpIds,
        credential: { id: stored.id, publicKey, counter: stored.counter, transports: stored.transports },
        requireUserVerification: false,
      }),
    )
    record.challenge = ''
    state.users.update(user.id, {
      webAuthn: user.webAuthn.map((credential) => (credential.id === stored.id ? { ...credential, counter: result.authenticationInfo.newCounter } : credential)),
    })
    record.credential = null
    record.verified = true
    return json({ verificationId: record.id })
  },
}
