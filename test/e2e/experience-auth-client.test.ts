/**
 * AuthClient + experienceApi (the Node entry: a real cookie jar, redirects followed by hand)
 * against the spawned `portcullis-mock` over real HTTP — no msw anywhere, so the interaction
 * cookies travel only through the SDK's jar. The (a)–(e) from the SDK's side, plus a
 * challenge resumed by another client; the raw-protocol versions with oauth4webapi are in
 * experience.test.ts.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../mocks/demo-users'
import { createVirtualAuthenticator } from '../../mocks/webauthn/virtual-authenticator'
import { describeStep, experienceApi, resetPassword, resumeExperienceStep, signInWithConnector, signUp } from '../../src/experience/node'
import { AuthClient, type Challenge, type SignOutReason, type TokenStorage } from '../../src/index'
import { createAccessTokenVerifier } from '../../src/server'
import { controlClient, type ControlClient } from '../support/control'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'
import { totp } from '../support/totp'

let mock: SpawnedMock
let control: ControlClient
const CLIENT_ID = 'portcullis-demo'
const REDIRECT_URI = 'http://localhost:5173/callback'

beforeAll(async () => {
  mock = await spawnMock()
  control = controlClient(mock.url)
}, 30_000)
afterAll(async () => {
  await mock?.stop()
})
beforeEach(async () => {
  await control.reset()
  skew = (await mockNow()) - Date.now()
})

/** The mock clock minus the local one, kept by `advance()`, so the clients run on the mock's time. */
let skew = 0
const mockNow = async (): Promise<number> => await control.advanceClock(0)
async function advance(ms: number): Promise<void> {
  skew = (await control.advanceClock(ms)) - Date.now()
}
const client = (storage?: TokenStorage) =>
  new AuthClient({
    baseUrl: mock.url,
    api: experienceApi({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }),
    now: () => Date.now() + skew,
    sleep: async () => {},
    ...(storage && { storage }),
  })

function challengeOf(result: { status: string; challenge?: Challenge }): Challenge {
  expect(result.status).toBe('challenge')
  return result.challenge!
}

function memory(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) }
}

describe('e2e: AuthClient + experienceApi over HTTP', () => {
  it('(a) password + TOTP: the access token verifies against the JWKS that discovery names, for this surface only', async () => {
    const auth = client()
    const challenge = challengeOf(await auth.signIn({ identifier: 'carol', password: DEMO_PASSWORD }))
    expect(challenge).toMatchObject({ kind: 'sign_in_2fa' })
    expect(challenge.methods).toEqual(expect.arrayContaining(['totp']))
    const result = await challenge.verify(totp(DEMO_TOTP_SECRET, await mockNow()))
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: '00000000-0000-4000-8000-0000000ca201', email: 'carol@example.com' } } })

    const discovery = (await (await fetch(`${mock.url}/oidc/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string }
    expect(discovery.issuer).toBe(`${mock.url}/oidc`)
    const token = (await auth.getAccessToken())!
    const verify = createAccessTokenVerifier({ jwksUrl: discovery.jwks_uri, issuer: false, audience: 'portcullis:experience', currentDate: new Date(await mockNow()) })
    expect(await verify(token)).toMatchObject({ sub: '00000000-0000-4000-8000-0000000ca201' })
    // The access token is this surface's only: the otp API refuses it.
    const otp = await fetch(`${mock.url}/auth/otp/methods/totp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })
    expect(otp.status).toBe(401)
    // The session's user is the token's subject, as userinfo tells.
    const me = await auth.fetch('/oidc/me')
    expect(((await me.json()) as { sub: string }).sub).toBe('00000000-0000-4000-8000-0000000ca201')
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri))
    await expect(jwtVerify(token, jwks, { currentDate: new Date(await mockNow()) })).resolves.toBeTruthy()
  })

  it('a backup code of the demo user answers the TOTP challenge', async () => {
    const challenge = challengeOf(await client().signIn({ email: 'carol@example.com', password: DEMO_PASSWORD }))
    expect(await challenge.verify({ method: 'backup_code', code: DEMO_BACKUP_CODES[0] })).toMatchObject({ status: 'signedIn' })
  })

  it('(b) sign-up by email code, the missing password, mandatory TOTP enrolment and backup codes', async () => {
    await control.setConfig({ experience: { mfa: { policy: 'Mandatory', factors: ['Totp', 'BackupCode'] } } })
    const auth = client()
    const email = `e2e-${Date.now()}@example.com`
    const code = challengeOf(await signUp(auth, { email }))
    const missing = challengeOf(await code.verify(await control.latestCode({ to: email })))
    expect(describeStep(missing)).toEqual({ kind: 'missing_profile', missing: ['password'] })
    const bind = challengeOf(await missing.verify({ password: 'e2e password 123' }))
    expect(describeStep(bind)).toMatchObject({ kind: 'bind_mfa', enrolling: null, skippable: false })
    const enrol = challengeOf(await bind.verify('totp'))
    const step = describeStep(enrol)
    if (step.kind !== 'bind_mfa' || step.enrolling !== 'totp') throw new Error('no TOTP enrolment')
    const backup = challengeOf(await enrol.verify(totp(step.secret, await mockNow())))
    const codes = challengeOf(await backup.verify('backup_code'))
    expect(describeStep(codes)).toMatchObject({ kind: 'bind_mfa', enrolling: 'backup_code', codes: expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{10}$/)]) })
    const result = await codes.verify({})
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { email } } })
    const { users } = (await (await fetch(`${mock.url}/__mock/users`)).json()) as { users: Array<{ email: string; totpSecret: string | null; backupCodesLeft: number }> }
    expect(users.find((u) => u.email === email)).toMatchObject({ totpSecret: step.secret, backupCodesLeft: 10 })
  })

  it('(c) forgot password by email code; a challenge saved mid-way is finished by another client', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const code = challengeOf(await resetPassword(client(), { email: 'alice@example.com' }))
    // Another process picks the flow up: the interaction cookies are in the saved state.
    const saved = JSON.stringify(code)
    const other = client()
    const next = challengeOf(await other.resumeChallenge(saved).verify(await control.latestCode({ to: 'alice@example.com' })))
    expect(await next.verify({ password: 'alice has a new one' })).toEqual({ status: 'verified' })
    await expect(client().signIn({ email: 'alice@example.com', password: DEMO_PASSWORD })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(await client().signIn({ email: 'alice@example.com', password: 'alice has a new one' })).toMatchObject({ status: 'signedIn' })
  })

  it('(d) WebAuthn: enrol with the virtual authenticator at the prompt, then sign in with it', async () => {
    const authenticator = createVirtualAuthenticator({ origin: mock.url })
    const prompt = challengeOf(await client().signIn({ username: 'alice', password: DEMO_PASSWORD }))
    const enrol = challengeOf(await prompt.verify('webauthn'))
    const options = describeStep(enrol)
    if (options.kind !== 'bind_mfa' || options.enrolling !== 'webauthn') throw new Error('no WebAuthn enrolment')
    expect(options.webauthn.rp.id).toBe(new URL(mock.url).hostname)
    expect(await enrol.verify(await authenticator.register(options.webauthn))).toMatchObject({ status: 'signedIn' })

    const auth = client()
    const challenge = challengeOf(await auth.signIn({ username: 'alice', password: DEMO_PASSWORD }))
    expect(challenge.methods).toEqual(['webauthn'])
    const request = describeStep(challenge)
    if (request.kind !== 'sign_in_2fa' || !request.webauthn) throw new Error('no WebAuthn options')
    expect(await challenge.verify(await authenticator.authenticate(request.webauthn))).toMatchObject({ status: 'signedIn' })
    expect(authenticator.credentials[0]!.signCount).toBe(1)
  })

  it('(e) refresh-token reuse signs the stale copy out and revokes the family', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const storage = memory()
    const auth = client(storage)
    await auth.signIn({ email: 'alice@example.com', password: DEMO_PASSWORD })
    const stale = memory()
    for (const [k, v] of storage.items) stale.setItem(k, v)
    await advance(3_600_000 + 60_000)
    expect(await auth.getAccessToken()).toBeTruthy() // rotated: the stale copy's refresh token is spent

    const staleClient = client(stale)
    const out = vi.fn<(event: { reason: SignOutReason }) => void>()
    staleClient.on('signedOut', out)
    expect(await staleClient.getAccessToken()).toBeNull()
    expect(out).toHaveBeenCalledWith(expect.objectContaining({ reason: 'token_reused' }))

    const honestOut = vi.fn()
    auth.on('signedOut', honestOut)
    await advance(3_600_000 + 60_000)
    expect(await auth.getAccessToken()).toBeNull()
    expect(honestOut).toHaveBeenCalledTimes(1)
  })

  it('social sign-in through the mock provider: a new identity registers, the next sign-in asks for the TOTP factor it enrolled', async () => {
    await control.setConfig({
      experience: { mfa: { policy: 'UserControlled', factors: ['Totp'] }, signUp: { identifiers: ['email'], password: false }, connectorIdentities: { github: { id: 'gh-e2e', email: 'octo-e2e@example.com' } } },
    })
    const callbackUri = 'http://localhost:5173/social-callback'
    /** The user at the provider: the mock's authorization URL sends them back to the callback. */
    async function viaProvider(challenge: Challenge): Promise<string> {
      const step = describeStep(challenge)
      if (step.kind !== 'connector_redirect') throw new Error(`not a connector step: ${step.kind}`)
      expect(new URL(step.authorizationUri).origin).toBe(mock.url)
      const response = await fetch(step.authorizationUri, { redirect: 'manual' })
      expect(response.status).toBe(303)
      return response.headers.get('location')!
    }

    const start = challengeOf(await signInWithConnector(client(), { connectorId: 'github', callbackUri }))
    const callback = await viaProvider(start)
    // The callback route is another page load: the step comes back from its JSON (with the jar).
    const page = client()
    const identity = challengeOf(await (await resumeExperienceStep(page, JSON.stringify(start))).verify(callback))
    expect(describeStep(identity)).toEqual({ kind: 'new_identity', connectorId: 'github', sso: false })
    const prompt = challengeOf(await identity.verify('register'))
    const enrol = challengeOf(await prompt.verify('totp'))
    const step = describeStep(enrol)
    if (step.kind !== 'bind_mfa' || step.enrolling !== 'totp') throw new Error('no TOTP enrolment')
    expect(await enrol.verify(totp(step.secret, await mockNow()))).toMatchObject({ status: 'signedIn', session: { user: { email: 'octo-e2e@example.com' } } })
    const userId = (await page.getSession())!.user.id

    const again = client()
    const next = challengeOf(await signInWithConnector(again, { connectorId: 'github', callbackUri }))
    const mfa = challengeOf(await next.verify(await viaProvider(next)))
    expect(mfa).toMatchObject({ kind: 'sign_in_2fa', methods: ['totp'] })
    // Another TOTP window than the enrolment's, so the code is not a replay.
    await advance(30_000)
    expect(await mfa.verify(totp(step.secret, await mockNow()))).toMatchObject({ status: 'signedIn', session: { user: { id: userId } } })
  })
})
