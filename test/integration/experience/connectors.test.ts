import { describe, expect, it } from 'vitest'
import { assertMatchesExperienceSpec } from '../../support/experience-spec'
import { BASE, control, createUser, expectError, expectOk, interaction, PASSWORD, useExperienceMock } from './helpers'

const mock = useExperienceMock()

const PAGE_CALLBACK = 'http://localhost:5173/social-callback'

/** Runs the mock provider: authorization URI → 303 back to the page with code and state. */
async function authorizeAt(s: Awaited<ReturnType<typeof interaction>>, kind: 'social' | 'sso', connectorId: string) {
  const started = await s.call('POST', `/api/experience/verification/${kind}/${connectorId}/authorization-uri`, { state: 'st-1', redirectUri: PAGE_CALLBACK })
  expectOk(started)
  const uri = new URL(started.body.authorizationUri)
  expect(uri.origin).toBe(BASE)
  const provider = await fetch(uri, { redirect: 'manual' })
  expect(provider.status).toBe(303)
  const back = new URL(provider.headers.get('location')!)
  expect(back.origin + back.pathname).toBe(PAGE_CALLBACK)
  return { verificationId: started.body.verificationId as string, connectorData: Object.fromEntries(back.searchParams) }
}

describe('social connectors (the mock is the provider)', () => {
  it('signs in a linked identity, refuses an unlinked one, links by email when asked', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, connectorIdentities: { github: { id: 'gh-42', email: 'octo@example.com', name: 'Octo' } } } })
    const user = await createUser(mock, { email: 'octo@example.com' })
    const s = await interaction('SignIn')
    const { verificationId, connectorData } = await authorizeAt(s, 'social', 'github')
    expectError(await s.call('POST', '/api/experience/verification/social/github/verify', { connectorData: { ...connectorData, state: 'forged' }, verificationId }), 400, 'guard.invalid_input')
    const again = await authorizeAt(s, 'social', 'github')
    expectOk(await s.call('POST', '/api/experience/verification/social/github/verify', again))
    // The code was single use.
    expectError(await s.call('POST', '/api/experience/verification/social/github/verify', again), 400, 'guard.invalid_input')
    expectError(await s.call('POST', '/api/experience/identification', { verificationId: again.verificationId }), 404, 'user.identity_not_exist')
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: again.verificationId, linkSocialIdentity: true }), 204)
    expectOk(await s.call('POST', '/api/experience/submit'))
    const listed = (await (await fetch(`${BASE}/__mock/users`)).json()).users.find((u: { id: string }) => u.id === user.id)
    expect(listed.identities).toEqual({ github: 'gh-42' })
    void verificationId
  })

  it('registers a new account from a social identity', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] }, signUp: { identifiers: ['email'], password: false }, connectorIdentities: { google: { id: 'g-7', email: 'newg@example.com' } } } })
    const s = await interaction('Register')
    const result = await authorizeAt(s, 'social', 'google')
    expectOk(await s.call('POST', '/api/experience/verification/social/google/verify', result))
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: result.verificationId }), 201)
    const created = (await (await fetch(`${BASE}/__mock/users`)).json()).users.find((u: { email: string }) => u.email === 'newg@example.com')
    expect(created.identities).toEqual({ google: 'g-7' })
  })

  it('answers the documented errors for unknown connectors, empty state and foreign records', async () => {
    const s = await interaction('SignIn')
    expectError(await s.call('POST', '/api/experience/verification/social/nope/authorization-uri', { state: 's', redirectUri: PAGE_CALLBACK }), 404, 'entity.not_found')
    expectError(await s.call('POST', '/api/experience/verification/social/github/authorization-uri', { state: '', redirectUri: PAGE_CALLBACK }), 400, 'session.insufficient_info')
    expectError(await s.call('POST', '/api/experience/verification/sso/github/authorization-uri', { state: 's', redirectUri: PAGE_CALLBACK }), 400, 'connector.unexpected_type')
    const google = await authorizeAt(s, 'social', 'google')
    expectError(await s.call('POST', '/api/experience/verification/social/github/verify', google), 404, 'session.verification_session_not_found')
    expectError(await s.call('POST', '/api/experience/verification/social/google/verify', { connectorData: google.connectorData }), 404, 'session.verification_session_not_found')
    const bad = await fetch(`${BASE}/oidc/mock-connectors/github/authorize?state=x&redirect_uri=javascript:alert(1)`, { redirect: 'manual' })
    await assertMatchesExperienceSpec('GET', bad.url, bad)
    expect(bad.status).toBe(400)
  })
})

describe('enterprise SSO', () => {
  it('lists connectors for an email domain, forces SSO for that domain and skips MFA for SSO sign-in', async () => {
    await control.setConfig({
      experience: { connectors: { sso: ['acme-okta'] }, ssoDomains: { 'acme.test': ['acme-okta'] }, connectorIdentities: { 'acme-okta': { id: 'okta-1', email: 'emp@acme.test' } } },
    })
    const employee = await createUser(mock, { email: 'emp@acme.test', totpSecret: 'JBSWY3DPEHPK3PXP' })
    const s = await interaction('SignIn')
    const listed = await s.call('GET', '/api/experience/sso-connectors?email=emp@acme.test')
    expectOk(listed)
    expect(listed.body).toEqual({ connectorIds: ['acme-okta'] })
    expect((await s.call('GET', '/api/experience/sso-connectors?email=x@other.test')).body).toEqual({ connectorIds: [] })
    expectError(await s.call('GET', '/api/experience/sso-connectors?email=not-an-email'), 400, 'guard.invalid_input')

    const password = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: employee.email }, password: PASSWORD })
    const forced = await s.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId })
    expectError(forced, 422, 'session.sso_enabled')
    expect(forced.body.data).toEqual({ ssoConnectors: ['acme-okta'] })

    const sso = await authorizeAt(s, 'sso', 'acme-okta')
    expectOk(await s.call('POST', '/api/experience/verification/sso/acme-okta/verify', sso))
    expectOk(await s.call('POST', '/api/experience/identification', { verificationId: sso.verificationId }), 204)
    // A TOTP user, but SSO sign-in skips the MFA and profile checks.
    expectOk(await s.call('POST', '/api/experience/submit'))
  })
})
