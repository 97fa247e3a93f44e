/** The documented statuses and codes the flow suites do not reach on their way. */
import { describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../../mocks/demo-users'
import { interactions } from '../../../mocks/surfaces/experience/interaction'
import { MAX_ENTRIES } from '../../../mocks/surfaces/experience/bounded'
import { control, createUser, expectError, expectOk, identifiedByPassword, interaction, latestCode, PASSWORD, session, useExperienceMock, verifiedEmail } from './helpers'

const mock = useExperienceMock()
const otherId = 'q'.repeat(21)


describe('interaction events and identification', () => {
  it('refuses switching into or out of ForgotPassword', async () => {
    const signIn = await interaction('SignIn')
    expectError(await signIn.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'ForgotPassword' }), 400, 'session.not_supported_for_forgot_password')
    const forgot = await interaction('ForgotPassword')
    expectError(await forgot.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' }), 400, 'session.not_supported_for_forgot_password')
  })

  it('identification: unknown id 404, unverified record 400, suspended 401, another user 409', async () => {
    const user = await createUser(mock)
    const s = await interaction('SignIn')
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: otherId }), 404, 'session.verification_session_not_found')
    const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: user.email }, interactionEvent: 'SignIn' })
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId }), 400, 'session.verification_failed')
    const password = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: PASSWORD })
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId }), 204)
    // A second-factor record names no one to sign in (Logto: the sign-in method is not enabled).
    const backup = await s.call('POST', '/api/experience/verification/backup-code/generate')
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: backup.body.verificationId }), 422, 'user.sign_in_method_not_enabled')
    const carol = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'carol' }, password: DEMO_PASSWORD })
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: carol.body.verificationId }), 409, 'session.identity_conflict')

    const suspended = await createUser(mock, { suspended: true })
    const t = await interaction('SignIn')
    // A suspended account is refused once the password is right (a wrong one stays 422).
    expectError(await t.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: suspended.email }, password: 'wrong-password' }), 422, 'session.invalid_credentials')
    expectError(await t.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: suspended.email }, password: PASSWORD }), 401, 'user.suspended')
    const code = await verifiedEmail(t, suspended.email!)
    expectError(await t.call('POST', '/api/experience/identification', { verificationId: code }), 401, 'user.suspended')
  })

  it('a password or a code for an identifier the sign-in methods do not allow it for is user.sign_in_method_not_enabled', async () => {
    const user = await createUser(mock)
    await control.setConfig({ experience: { signIn: { methods: [{ identifier: 'email', password: false, verificationCode: true }, { identifier: 'username', password: true, verificationCode: false }] } } })
    const s = await interaction('SignIn')
    const byEmail = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: user.email }, password: PASSWORD })
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: byEmail.body.verificationId }), 422, 'user.sign_in_method_not_enabled')
    // The same account by username and password, or by an email code, is allowed.
    const byUsername = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: user.username }, password: PASSWORD })
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: byUsername.body.verificationId }), 204)
    const t = await interaction('SignIn')
    expectOk(await t.call('POST', '/api/experience/identification', { verificationId: await verifiedEmail(t, user.email!) }), 204)
    await control.setConfig({ experience: { signIn: { methods: [{ identifier: 'email', password: true, verificationCode: false }] } } })
    const u = await interaction('SignIn')
    expectError(await u.call('POST', '/api/experience/identification', { verificationId: await verifiedEmail(u, user.email!) }), 422, 'user.sign_in_method_not_enabled')
  })

  it('registering a phone another account owns is user.phone_already_in_use', async () => {
    const owner = await createUser(mock, { phone: '+34622333444' })
    const s = await interaction('Register')
    const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'phone', value: owner.phone }, interactionEvent: 'Register' })
    expectOk(await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'phone', value: owner.phone }, verificationId: sent.body.verificationId, code: await latestCode(owner.phone!) }))
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId }), 422, 'user.phone_already_in_use')
  })
})

describe('profile', () => {
  it('refuses an unverified record, identifiers other accounts own, and SSO domains; SignIn needs MFA first', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, connectors: { sso: ['corp'] }, ssoDomains: { 'corp.test': ['corp'] }, signUp: { identifiers: ['email', 'phone'] } } })
    const other = await createUser(mock, { phone: '+34633444555' })
    const user = await createUser(mock, { email: null, phone: null, username: 'no_contact' })
    const s = await identifiedByPassword(user)
    const unverified = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: 'fresh@corp.test' }, interactionEvent: 'SignIn' })
    expectError(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: unverified.body.verificationId }), 400, 'session.verification_failed')
    expectError(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: await verifiedEmail(s, 'fresh@corp.test') }), 422, 'session.sso_enabled')
    expectError(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: await verifiedEmail(s, other.email!) }), 422, 'user.email_already_in_use')
    const phone = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'phone', value: other.phone }, interactionEvent: 'SignIn' })
    await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'phone', value: other.phone }, verificationId: phone.body.verificationId, code: await latestCode(other.phone!) })
    expectError(await s.call('POST', '/api/experience/profile', { type: 'phone', verificationId: phone.body.verificationId }), 422, 'user.phone_already_in_use')
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'user.missing_profile')

    const carol = await interaction('SignIn')
    const v = await carol.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'carol' }, password: DEMO_PASSWORD })
    await carol.call('POST', '/api/experience/identification', { verificationId: v.body.verificationId })
    await control.setConfig({ experience: { mfa: { factors: ['Totp'] } } })
    expectError(await carol.call('POST', '/api/experience/profile', { type: 'username', value: 'whatever' }), 403, 'session.mfa.require_mfa_verification')
    expectError(await carol.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: otherId }), 403, 'session.mfa.require_mfa_verification')
  })

  it('a social identity linked to another account is user.identity_already_in_use', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, connectorIdentities: { github: { id: 'gh-taken' } } } })
    const owner = await createUser(mock)
    mock.state.users.update(owner.id, { identities: { github: 'gh-taken' } })
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    const started = await s.call('POST', '/api/experience/verification/social/github/authorization-uri', { state: 's1', redirectUri: 'http://localhost:5173/cb' })
    const back = new URL((await fetch(started.body.authorizationUri, { redirect: 'manual' })).headers.get('location')!)
    expectOk(await s.call('POST', '/api/experience/verification/social/github/verify', { verificationId: started.body.verificationId, connectorData: Object.fromEntries(back.searchParams) }))
    expectError(await s.call('POST', '/api/experience/profile', { type: 'social', verificationId: started.body.verificationId }), 422, 'user.identity_already_in_use')
  })
})

describe('MFA records', () => {
  it('binding an unknown record is 404; a registration record cannot answer an assertion and vice versa', async () => {
    const user = await createUser(mock)
    const s = await identifiedByPassword(user)
    expectError(await s.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: otherId }), 404, 'session.verification_session_not_found')
    const registration = await s.call('POST', '/api/experience/verification/web-authn/registration')
    const assertion = { type: 'WebAuthn', id: 'x', rawId: 'x', response: { clientDataJSON: 'x', authenticatorData: 'x', signature: 'x' }, clientExtensionResults: {} }
    expectError(await s.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: registration.body.verificationId, payload: assertion }), 400, 'session.mfa.pending_info_not_found')
    expectError(await s.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: otherId, payload: assertion }), 404, 'session.verification_session_not_found')
    expectError(await s.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId: registration.body.verificationId }), 400, 'session.verification_failed')
  })
})

describe('identifiers taken while the interaction ran', () => {
  it('identification and submit re-check uniqueness (username, email, phone, social identity)', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, signUp: { identifiers: ['username'], password: true } } })
    const r = await interaction('Register')
    const staged = await r.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: 'race_name' }, password: PASSWORD })
    await createUser(mock, { username: 'race_name' })
    expectError(await r.call('POST', '/api/experience/identification', { verificationId: staged.body.verificationId }), 422, 'user.username_already_in_use')

    await control.setConfig({ experience: { signUp: { identifiers: [] } } })
    const user = await createUser(mock, { username: null, phone: null })
    const cases: Array<[string, (s: Awaited<ReturnType<typeof interaction>>) => Promise<void>, () => Promise<unknown>]> = [
      ['user.username_already_in_use', async (s) => expectOk(await s.call('POST', '/api/experience/profile', { type: 'username', value: 'taken_later' }), 204), () => createUser(mock, { username: 'taken_later' })],
      [
        'user.phone_already_in_use',
        async (s) => {
          const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'phone', value: '+34655666777' }, interactionEvent: 'SignIn' })
          await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'phone', value: '+34655666777' }, verificationId: sent.body.verificationId, code: await latestCode('+34655666777') })
          expectOk(await s.call('POST', '/api/experience/profile', { type: 'phone', verificationId: sent.body.verificationId }), 204)
        },
        () => createUser(mock, { phone: '+34655666777' }),
      ],
    ]
    for (const [code, stage, takeIt] of cases) {
      const s = await identifiedByPassword(user)
      await stage(s)
      await takeIt()
      expectError(await s.call('POST', '/api/experience/submit'), 422, code)
    }
  })

  it('submit refuses a staged email or social identity another account took meanwhile', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, connectorIdentities: { google: { id: 'g-race' } } } })
    const user = await createUser(mock, { email: null })
    const s = await identifiedByPassword(user)
    const email = await verifiedEmail(s, 'race@example.com')
    expectOk(await s.call('POST', '/api/experience/profile', { type: 'email', verificationId: email }), 204)
    await createUser(mock, { email: 'race@example.com' })
    expectError(await s.call('POST', '/api/experience/submit'), 422, 'user.email_already_in_use')

    const t = await identifiedByPassword(await createUser(mock))
    const started = await t.call('POST', '/api/experience/verification/social/google/authorization-uri', { state: 's', redirectUri: 'http://localhost:5173/cb' })
    const back = new URL((await fetch(started.body.authorizationUri, { redirect: 'manual' })).headers.get('location')!)
    await t.call('POST', '/api/experience/verification/social/google/verify', { verificationId: started.body.verificationId, connectorData: Object.fromEntries(back.searchParams) })
    expectOk(await t.call('POST', '/api/experience/profile', { type: 'social', verificationId: started.body.verificationId }), 204)
    const other = await createUser(mock)
    mock.state.users.update(other.id, { identities: { google: 'g-race' } })
    expectError(await t.call('POST', '/api/experience/submit'), 422, 'user.identity_already_in_use')
  })
})

describe('connector errors on every connector route', () => {
  it('unknown connectors, wrong kinds, empty state and foreign records', async () => {
    await control.setConfig({ experience: { connectors: { sso: ['corp'] } } })
    const s = await interaction('SignIn')
    const cb = 'http://localhost:5173/cb'
    expectError(await s.call('POST', '/api/experience/verification/social/corp/authorization-uri', { state: 's', redirectUri: cb }), 400, 'connector.unexpected_type')
    expectError(await s.call('POST', '/api/experience/verification/sso/corp/authorization-uri', { state: 's', redirectUri: '' }), 400, 'session.insufficient_info')
    expectError(await s.call('POST', '/api/experience/verification/sso/nope/authorization-uri', { state: 's', redirectUri: cb }), 404, 'entity.not_exists_with_id')
    // Social, as in Logto: the connector library's code, and only after the payload was checked.
    expectError(await s.call('POST', '/api/experience/verification/social/nope/authorization-uri', { state: 's', redirectUri: cb }), 404, 'entity.not_found')
    expectError(await s.call('POST', '/api/experience/verification/social/nope/authorization-uri', { state: '', redirectUri: cb }), 400, 'session.insufficient_info')
    expectError(await s.call('POST', '/api/experience/verification/social/nope/verify', { connectorData: {}, verificationId: otherId }), 404, 'entity.not_found')
    expectError(await s.call('POST', '/api/experience/verification/sso/nope/verify', { connectorData: {}, verificationId: otherId }), 404, 'entity.not_exists_with_id')
    expectError(await s.call('POST', '/api/experience/verification/sso/corp/verify', { connectorData: {}, verificationId: otherId }), 404, 'session.verification_session_not_found')
  })

  it('a provider told to fail answers 500 connector.general on both steps', async () => {
    await control.setConfig({ experience: { connectors: { sso: ['corp'] } } })
    const s = await interaction('SignIn')
    const cb = 'http://localhost:5173/cb'
    const social = await s.call('POST', '/api/experience/verification/social/github/authorization-uri', { state: 's', redirectUri: cb })
    const sso = await s.call('POST', '/api/experience/verification/sso/corp/authorization-uri', { state: 's', redirectUri: cb })
    await control.setConfig({ experience: { connectorIdentities: { github: { error: 'provider down' }, corp: { error: 'idp down' } } } })
    const failed = await s.call('POST', '/api/experience/verification/social/github/verify', { connectorData: { code: 'x', state: 's' }, verificationId: social.body.verificationId })
    expectError(failed, 500, 'connector.general')
    expect(failed.body.message).toBe('Error occurred in connector: provider down')
    expectError(await s.call('POST', '/api/experience/verification/sso/corp/verify', { connectorData: {}, verificationId: sso.body.verificationId }), 500, 'connector.general')
    expectError(await s.call('POST', '/api/experience/verification/social/github/authorization-uri', { state: 's', redirectUri: cb }), 500, 'connector.general')
    expectError(await s.call('POST', '/api/experience/verification/sso/corp/authorization-uri', { state: 's', redirectUri: cb }), 500, 'connector.general')
  })

  it('a WebAuthn assertion record cannot finish a registration', async () => {
    const user = await createUser(mock)
    // A stored credential is all it takes to be offered an assertion.
    mock.state.users.update(user.id, { webAuthn: [{ id: 'cred-1', publicKey: 'AAAA', counter: 0, transports: ['usb'], createdAt: 0 }] })
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const s = await identifiedByPassword(user)
    const assertion = await s.call('POST', '/api/experience/verification/web-authn/authentication')
    expectOk(assertion)
    const payload = { type: 'WebAuthn', id: 'cred-1', rawId: 'cred-1', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} }
    expectError(await s.call('POST', '/api/experience/verification/web-authn/registration/verify', { verificationId: assertion.body.verificationId, payload }), 400, 'session.mfa.pending_info_not_found')
  })
})

describe('bounded state', () => {
  it('keeps at most MAX_ENTRIES parked interactions: the oldest is dropped, its cookies stop working', async () => {
    const first = await session()
    const map = interactions(mock.state)
    const filler = [...map.values()][0]!
    for (let i = map.size; i < MAX_ENTRIES; i++) map.set(`filler-${i}`, { ...filler, uid: `filler-${i}` })
    expect(map.size).toBe(MAX_ENTRIES)
    await session()
    expect(map.size).toBe(MAX_ENTRIES)
    expectError(await first.call('PUT', '/api/experience', { interactionEvent: 'SignIn' }), 400, 'session.not_found')
  })
})
