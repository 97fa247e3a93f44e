import { describe, expect, it } from 'vitest'
import { createVirtualAuthenticator } from '../../../mocks/index'
import { BASE, control, createUser, expectError, expectOk, identifiedByPassword, useExperienceMock } from './helpers'

const mock = useExperienceMock()

describe('WebAuthn records (verified with @simplewebauthn/server)', () => {
  it('registers a credential, binds it, then signs in with it as the second factor', async () => {
    const user = await createUser(mock)
    const authenticator = createVirtualAuthenticator({ origin: BASE })
    // The experience API takes the browser's credential JSON with `type: "WebAuthn"`.
    const asPayload = <T extends object>(credential: T) => ({ ...credential, type: 'WebAuthn' })

    // First sign-in: MFA prompt (UserControlled, WebAuthn enabled) → register and bind a passkey.
    const s = await identifiedByPassword(user)
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'user.missing_mfa')
    const created = await s.call('POST', '/api/experience/verification/web-authn/registration')
    expectOk(created)
    expect(created.body.registrationOptions.rp).toMatchObject({ name: 'Portcullis', id: 'mock.test' })
    const payload = asPayload(await authenticator.register(created.body.registrationOptions))
    const tampered = await s.call('POST', '/api/experience/verification/web-authn/registration/verify', {
      verificationId: created.body.verificationId,
      payload: { ...payload, response: { ...(payload.response as object), clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: 'AAAA', origin: BASE })).toString('base64url') } },
    })
    expectError(tampered, 400, 'session.mfa.webauthn_verification_failed')
    const verified = await s.call('POST', '/api/experience/verification/web-authn/registration/verify', { verificationId: created.body.verificationId, payload })
    expectOk(verified)
    expectOk(await s.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId: created.body.verificationId }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    const listed = (await (await fetch(`${BASE}/__mock/users`)).json()).users.find((u: { id: string }) => u.id === user.id)
    expect(listed.webAuthnCredentials).toBe(1)

    // Second sign-in: the passkey is now a required factor.
    const again = await identifiedByPassword(user)
    const required = await again.call('POST', '/api/experience/submit')
    expectError(required, 403, 'session.mfa.require_mfa_verification')
    expect(required.body.data).toEqual({ availableFactors: ['WebAuthn'] })
    const options = await again.call('POST', '/api/experience/verification/web-authn/authentication')
    expectOk(options)
    expect(options.body.authenticationOptions.allowCredentials).toEqual([expect.objectContaining({ id: authenticator.credentials[0]!.id })])
    const assertion = asPayload(await authenticator.authenticate(options.body.authenticationOptions))
    const wrongOrigin = asPayload(await authenticator.authenticate(options.body.authenticationOptions, { origin: 'https://evil.example' }))
    expectError(await again.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: options.body.verificationId, payload: wrongOrigin }), 400, 'session.mfa.webauthn_verification_failed')
    expectOk(await again.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: options.body.verificationId, payload: assertion }))
    const submitted = await again.call('POST', '/api/experience/submit')
    expectOk(submitted)
    // The challenge was single use: replaying the assertion is refused.
    expectError(
      await again.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: options.body.verificationId, payload: assertion }),
      400,
      'session.mfa.pending_info_not_found',
    )
  })

  it('has nothing to assert with for a user without credentials, and unknown record ids are 404', async () => {
    const user = await createUser(mock)
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const s = await identifiedByPassword(user)
    expectError(await s.call('POST', '/api/experience/verification/web-authn/authentication'), 400, 'session.mfa.webauthn_verification_not_found')
    const authenticator = createVirtualAuthenticator({ origin: BASE })
    const options = { challenge: 'AAAA', rp: { id: 'mock.test', name: 'Portcullis' }, user: { id: 'AAAA', name: 'u', displayName: 'u' }, pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }] }
    const payload = { ...(await authenticator.register(options)), type: 'WebAuthn' }
    expectError(await s.call('POST', '/api/experience/verification/web-authn/registration/verify', { verificationId: 'a'.repeat(21), payload }), 404, 'session.verification_session_not_found')
  })
})
