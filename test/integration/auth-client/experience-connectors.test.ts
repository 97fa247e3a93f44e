/**
 * AuthClient + experienceApi, the steps that outlive a page: social and enterprise-SSO sign-in
 * through the mock's own connectors (the provider round trip as a `connector_redirect` step, a
 * new identity as a `new_identity` step, MFA after it), and `resumeExperienceStep` bringing back
 * every kind of step in another client (as after a reload or the trip to the provider).
 */
import { describe, expect, it } from 'vitest'
import { AuthClient, type Challenge } from '../../../src/index'
import { describeStep, experienceApi, resumeExperienceStep, signInWithConnector, signUp } from '../../../src/experience/node'
import { totp } from '../../support/totp'
import { BASE, createUser, latestCode, requests, setConfig, useMockBackend } from './support'

const mock = useMockBackend()
const CLIENT_ID = 'portcullis-demo'
const REDIRECT_URI = 'http://localhost:5173/callback'
const CALLBACK = 'http://localhost:5173/social-callback'
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

const client = () => new AuthClient({ baseUrl: BASE, api: experienceApi({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }), now: () => mock.clock.now(), sleep: async () => {} })

function challengeOf(result: { status: string; challenge?: Challenge }): Challenge {
  expect(result.status).toBe('challenge')
  return result.challenge!
}

/** Plays the user at the provider: opens the authorization URL, returns where it sends them back. */
async function visitProvider(challenge: Challenge): Promise<string> {
  const step = describeStep(challenge)
  if (step.kind !== 'connector_redirect') throw new Error(`not a connector step: ${step.kind}`)
  const response = await fetch(step.authorizationUri, { redirect: 'manual' })
  expect(response.status).toBe(303)
  return response.headers.get('location')!
}

const github = (identity: Record<string, string>) => ({ connectorIdentities: { github: { id: 'gh-42', ...identity } } })

describe('signInWithConnector: social sign-in', () => {
  it('a new identity registers (after a reload on the callback page); the next social sign-in goes straight in', async () => {
    await setConfig({ experience: { mfa: { factors: [] }, signUp: { identifiers: ['email'], password: false }, ...github({ email: 'octo@example.com' }) } })
    const start = challengeOf(await signInWithConnector(client(), { connectorId: 'github', callbackUri: CALLBACK }))
    const step = describeStep(start)
    expect(step).toMatchObject({ kind: 'connector_redirect', connectorId: 'github', sso: false })
    if (step.kind !== 'connector_redirect') return
    expect(step.authorizationUri.startsWith(`${BASE}/oidc/mock-connectors/github/authorize?`)).toBe(true)
    // The page saves the step, leaves for the provider, and resumes on its callback route.
    const saved = JSON.stringify(start)
    const callback = await visitProvider(start)
    expect(callback.startsWith(`${CALLBACK}?`)).toBe(true)
    const page = client()
    const resumed = await resumeExperienceStep(page, saved)
    const fresh = challengeOf(await resumed.verify(callback))
    expect(describeStep(fresh)).toEqual({ kind: 'new_identity', connectorId: 'github', sso: false })
    const signedIn = await fresh.verify('register')
    expect(signedIn).toMatchObject({ status: 'signedIn', session: { user: { email: 'octo@example.com' } } })
    const userId = (await page.getSession())!.user.id

    const again = client()
    const next = challengeOf(await signInWithConnector(again, { connectorId: 'github', callbackUri: CALLBACK }))
    expect(await next.verify(await visitProvider(next))).toMatchObject({ status: 'signedIn', session: { user: { id: userId } } })
  })

  it('links the identity to the account with its email when asked, then that account has its second factor asked (TOTP)', async () => {
    const user = await createUser({ totpSecret: SECRET })
    await setConfig({ experience: { mfa: { policy: 'UserControlled', factors: ['Totp'] }, ...github({ email: user.email }) } })
    const auth = client()
    const start = challengeOf(await signInWithConnector(auth, { connectorId: 'github', callbackUri: CALLBACK }))
    const choice = challengeOf(await start.verify(await visitProvider(start)))
    expect(choice.kind).toBe('new_identity')
    await expect(choice.verify('merge')).rejects.toMatchObject({ code: 'invalid_method', kind: 'validation' })
    const mfa = challengeOf(await choice.verify({ action: 'link' }))
    expect(mfa).toMatchObject({ kind: 'sign_in_2fa', methods: ['totp'] })
    expect(await mfa.verify(totp(SECRET, mock.clock.now()))).toMatchObject({ status: 'signedIn', session: { user: { id: user.id } } })
    expect((await mock.ready(), mock.state.users.get(user.id)!).identities).toMatchObject({ github: 'gh-42' })
  })

  it('a callback with another state is refused before the backend is asked; a provider error is access_denied', async () => {
    await setConfig({ experience: github({}) })
    const start = challengeOf(await signInWithConnector(client(), { connectorId: 'github', callbackUri: CALLBACK }))
    const callback = new URL(await visitProvider(start))
    const forged = new URL(callback)
    forged.searchParams.set('state', 'someone-elses')
    const before = (await requests()).length
    await expect(start.verify(forged.href)).rejects.toMatchObject({ code: 'state_mismatch', kind: 'auth' })
    await expect(start.verify({ error: 'access_denied', state: callback.searchParams.get('state')! })).rejects.toMatchObject({ code: 'access_denied' })
    expect((await requests()).length).toBe(before)
  })

  it('an unknown connector is the documented 404 entity.not_found', async () => {
    await expect(signInWithConnector(client(), { connectorId: 'myspace', callbackUri: CALLBACK })).rejects.toMatchObject({ code: 'entity.not_found', status: 404 })
  })
})

describe('signInWithConnector: enterprise SSO', () => {
  it('an SSO identity with the email of an account signs into it (the callback parameters as an object)', async () => {
    const user = await createUser({ email: `emp${Date.now()}@acme.test` })
    await setConfig({
      experience: { connectors: { sso: ['acme-okta'] }, ssoDomains: { 'acme.test': ['acme-okta'] }, connectorIdentities: { 'acme-okta': { id: 'okta-1', email: user.email } } },
    })
    const start = challengeOf(await signInWithConnector(client(), { connectorId: 'acme-okta', sso: true, callbackUri: CALLBACK }))
    expect(describeStep(start)).toMatchObject({ kind: 'connector_redirect', sso: true })
    const params = Object.fromEntries(new URL(await visitProvider(start)).searchParams)
    expect(await start.verify(params)).toMatchObject({ status: 'signedIn', session: { user: { id: user.id } } })
  })
})

describe('resumeExperienceStep: every step survives a reload', () => {
  it('missing_profile: a sign-up resumed in another client finishes with the password', async () => {
    await setConfig({ experience: { mfa: { factors: [] } } })
    const email = `resume-${Date.now()}@example.com`
    const code = challengeOf(await signUp(client(), { email }))
    const missing = challengeOf(await code.verify(await latestCode(email)))
    expect(missing.kind).toBe('missing_profile')
    const other = client()
    const seen: string[] = []
    other.on('challenge', ({ challenge }) => seen.push(challenge.kind))
    const resumed = await resumeExperienceStep(other, JSON.stringify(missing))
    expect(seen).toEqual(['missing_profile'])
    expect(describeStep(resumed)).toEqual({ kind: 'missing_profile', missing: ['password'] })
    expect(await resumed.verify({ password: 'a-new-password-1' })).toMatchObject({ status: 'signedIn', session: { user: { email } } })
  })

  it('bind_mfa: the enrolment prompt and the TOTP enrolment itself are resumed (same secret), then sign in', async () => {
    const user = await createUser()
    const prompt = challengeOf(await client().signIn({ email: user.email, password: user.password }))
    const enrol = challengeOf(await (await resumeExperienceStep(client(), JSON.stringify(prompt))).verify('totp'))
    const resumed = await resumeExperienceStep(client(), JSON.stringify(enrol))
    const step = describeStep(resumed)
    if (step.kind !== 'bind_mfa' || step.enrolling !== 'totp') throw new Error('no TOTP enrolment')
    expect(await resumed.verify(totp(step.secret, mock.clock.now()))).toMatchObject({ status: 'signedIn' })
    expect((await mock.ready(), mock.state.users.get(user.id)!).totpSecret).toBe(step.secret)
  })

  it('codes still go through the core check; tampered or foreign steps are invalid_challenge', async () => {
    await setConfig({ experience: { mfa: { factors: [] } } })
    const user = await createUser()
    const code = challengeOf(await client().signIn({ email: user.email }))
    const resumed = await resumeExperienceStep(client(), JSON.stringify(code))
    expect(await resumed.verify(await latestCode(user.email))).toMatchObject({ status: 'signedIn' })

    await setConfig({ experience: { mfa: { factors: ['Totp'] } } })
    const prompt = challengeOf(await client().signIn({ email: user.email, password: user.password })).toJSON()
    expect(prompt.kind).toBe('bind_mfa')
    const { verifier: _, ...withoutVerifier } = prompt.data
    for (const tampered of [
      'not json',
      { ...prompt, adapter: 'otp' },
      { ...prompt, kind: 'step_up' },
      { ...prompt, methods: ['carrier_pigeon'] },
      { ...prompt, data: withoutVerifier },
      { ...prompt, data: { ...prompt.data, jar: { cookies: [] } } },
    ]) {
      await expect(resumeExperienceStep(client(), tampered as never)).rejects.toMatchObject({ code: 'invalid_challenge', kind: 'validation' })
    }
  })
})
