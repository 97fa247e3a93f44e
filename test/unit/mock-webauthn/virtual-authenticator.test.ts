/**
 * The virtual authenticator on its own, against @simplewebauthn/server (the verifier the mock
 * uses), with no mock backend involved: registration and authentication responses verify, the
 * counter moves, and the checks a relying party makes (challenge, origin, RP id, key) reject
 * what they should.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server'
import { describe, expect, it } from 'vitest'
import { createVirtualAuthenticator } from '../../../mocks/webauthn/virtual-authenticator'

const rpID = 'localhost'
const origin = 'http://localhost:5173'

async function registered(authenticator = createVirtualAuthenticator({ origin })) {
  const options = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'carol', attestationType: 'none' })
  const response = await authenticator.register(options)
  const verification = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID })
  expect(verification.verified).toBe(true)
  const info = verification.registrationInfo!
  const credential: WebAuthnCredential = { ...info.credential, transports: response.response.transports ?? [] }
  return { authenticator, credential, options, response }
}

describe('createVirtualAuthenticator', () => {
  it('registers a credential that verifyRegistrationResponse accepts, with user verification', async () => {
    const { authenticator, credential, options, response } = await registered()
    expect(credential.id).toBe(response.id)
    expect(credential.counter).toBe(0)
    expect(authenticator.credentials).toEqual([{ id: response.id, rpId: rpID, userHandle: options.user.id, signCount: 0 }])
    const decoded = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString())
    expect(decoded).toMatchObject({ type: 'webauthn.create', challenge: options.challenge, origin })
  })

  it('signs assertions that verifyAuthenticationResponse accepts, many times, with a rising counter', async () => {
    const { authenticator, credential } = await registered()
    let counter = credential.counter
    // ECDSA signatures with a high first bit need a DER sign byte: enough rounds to hit both cases.
    for (let round = 0; round < 12; round++) {
      const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }], userVerification: 'required' })
      const response = await authenticator.authenticate(options)
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: { ...credential, counter },
        requireUserVerification: true,
      })
      expect(result.verified).toBe(true)
      expect(result.authenticationInfo.newCounter).toBe(counter + 1)
      counter = result.authenticationInfo.newCounter
    }
  })

  it('answers a discoverable (empty allow list) request with the newest credential for the RP', async () => {
    const authenticator = createVirtualAuthenticator({ origin })
    await registered(authenticator)
    const second = await registered(authenticator)
    const options = await generateAuthenticationOptions({ rpID })
    const response = await authenticator.authenticate(options)
    expect(response.id).toBe(second.credential.id)
    expect(response.response.userHandle).toBe(second.options.user.id)
  })

  it('is refused by the verifier for another challenge, another origin, or another key', async () => {
    const { authenticator, credential } = await registered()
    const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] })
    const response = await authenticator.authenticate(options)
    const base = { response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, credential }
    await expect(verifyAuthenticationResponse({ ...base, expectedChallenge: 'another-challenge' })).rejects.toThrow(/challenge/i)
    await expect(verifyAuthenticationResponse({ ...base, expectedOrigin: 'https://evil.example' })).rejects.toThrow(/origin/i)
    const other = await registered()
    const forged = await verifyAuthenticationResponse({ ...base, credential: { ...other.credential, id: credential.id } }).catch(() => ({ verified: false }))
    expect(forged.verified).toBe(false)
  })

  it('rejects like a browser: an excluded credential, an unknown RP or credential, no ES256', async () => {
    const { authenticator, credential } = await registered()
    const again = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'carol', excludeCredentials: [{ id: credential.id }] })
    await expect(authenticator.register(again)).rejects.toMatchObject({ name: 'InvalidStateError' })
    await expect(authenticator.authenticate(await generateAuthenticationOptions({ rpID: 'example.com' }))).rejects.toMatchObject({ name: 'NotAllowedError' })
    await expect(authenticator.authenticate(await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: 'AAAA' }] }))).rejects.toMatchObject({
      name: 'NotAllowedError',
    })
    const rsaOnly = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'dave', supportedAlgorithmIDs: [-257] })
    await expect(authenticator.register(rsaOnly)).rejects.toMatchObject({ name: 'NotSupportedError' })
  })

  it('without user verification, a verifier that requires it refuses the assertion', async () => {
    const authenticator = createVirtualAuthenticator({ origin, userVerified: false })
    const options = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'erin', authenticatorSelection: { userVerification: 'preferred' } })
    const response = await authenticator.register(options)
    const verification = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false })
    const credential = verification.registrationInfo!.credential
    const request = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] })
    const assertion = await authenticator.authenticate(request)
    await expect(
      verifyAuthenticationResponse({ response: assertion, expectedChallenge: request.challenge, expectedOrigin: origin, expectedRPID: rpID, credential, requireUserVerification: true }),
    ).rejects.toThrow(/verif/i)
  })
})
