/**
 * The experience surface over real HTTP against the spawned `portcullis-mock`: a certified,
 * independent OIDC client (oauth4webapi) performs discovery, authorize → token and refresh;
 * our own test page code drives `/api/experience*` with the interaction cookies. Tokens are
 * verified against the JWKS that discovery names. Every response is checked against
 * schema/openapi/experience.yaml.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../mocks/demo-users'
import { createVirtualAuthenticator } from '../../mocks/webauthn/virtual-authenticator'
import { controlClient, type ControlClient } from '../support/control'
import { CLIENT_ID, pageSession, type ExperienceSession } from '../support/experience-client'
import { authorizationRequest, demoClient, discover, exchangeCode, insecure } from '../support/oidc-client'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'
import { totp } from '../support/totp'

let mock: SpawnedMock
let control: ControlClient
let as: oauth.AuthorizationServer
const client = demoClient

beforeAll(async () => {
  mock = await spawnMock()
  control = controlClient(mock.url)
  as = await discover(mock.url)
}, 30_000)

beforeEach(() => control.reset())

afterAll(async () => {
  expect(mock.output()).not.toContain('internal error')
  await mock.stop()
})

/** oauth4webapi builds the authorization request; the page drives the interaction it starts. */
async function authorize(): Promise<{ page: ExperienceSession; verifier: string; state: string }> {
  const { url, verifier, state } = await authorizationRequest(as, { prompt: 'consent' })
  // The page is our test code; it keeps the cookies of this very authorization request.
  const page = await pageSession(mock.url, url.toString(), { verifier, state })
  return { page, verifier, state }
}

async function finish(page: ExperienceSession, verifier: string, state: string) {
  const submitted = await page.call('POST', '/api/experience/submit')
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200)
  return exchangeCode(as, await page.resume(submitted.body.redirectTo), { verifier, state })
}

async function verifyTokens(tokens: oauth.TokenEndpointResponse, userId: string) {
  const jwks = createRemoteJWKSet(new URL(as.jwks_uri!))
  const id = await jwtVerify(tokens.id_token!, jwks, { issuer: as.issuer, audience: CLIENT_ID })
  expect(id.payload.sub).toBe(userId)
  const access = await jwtVerify(tokens.access_token, jwks)
  expect(access.payload.sub).toBe(userId)
  expect(access.payload.iat!).toBeLessThan(access.payload.exp!)
}

const users = async () => (await (await fetch(`${mock.url}/__mock/users`)).json()).users as Array<Record<string, any>>

describe('experience over real HTTP with an independent OIDC client', () => {
  it('the banner lists the experience and OIDC endpoints and the demo client', () => {
    for (const line of ['/api/experience/*', '/oidc/.well-known/openid-configuration', 'GET  /oidc/auth', 'POST /oidc/token', 'GET  /sign-in', `demo client ${CLIENT_ID}`, 'redirect URI http://localhost:5173/callback']) {
      expect(mock.output()).toContain(line)
    }
  })

  it('(a) password sign-in with TOTP MFA, tokens verified against the JWKS discovery names', async () => {
    const { page, verifier, state } = await authorize()
    expect((await page.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204)
    const password = await page.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'carol' }, password: DEMO_PASSWORD })
    expect((await page.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId })).status).toBe(204)
    expect((await page.call('POST', '/api/experience/submit')).body.code).toBe('session.mfa.require_mfa_verification')
    const code = totp(DEMO_TOTP_SECRET, await control.now())
    expect((await page.call('POST', '/api/experience/verification/totp/verify', { code })).status).toBe(200)
    const tokens = await finish(page, verifier, state)
    const carol = (await users()).find((u) => u.username === 'carol')!
    await verifyTokens(tokens, carol.id)
    const claims = oauth.getValidatedIdTokenClaims(tokens)!
    expect(claims.sub).toBe(carol.id)
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']))
    const info = await oauth.processUserInfoResponse(as, client, carol.id, await oauth.userInfoRequest(as, client, tokens.access_token, insecure))
    expect(info.sub).toBe(carol.id)
  })

  it('(b) registration by email code: missing profile, mandatory TOTP binding and backup codes', async () => {
    await control.setConfig({ experience: { mfa: { policy: 'Mandatory', factors: ['Totp', 'BackupCode'] } } })
    const { page, verifier, state } = await authorize()
    await page.call('PUT', '/api/experience', { interactionEvent: 'Register' })
    const sent = await page.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: 'e2e-new@example.com' }, interactionEvent: 'Register' })
    const emailCode = await control.latestCode({ to: 'e2e-new@example.com' })
    await page.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'email', value: 'e2e-new@example.com' }, verificationId: sent.body.verificationId, code: emailCode })
    const missing = await page.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })
    expect(missing.body).toMatchObject({ code: 'user.missing_profile', data: { missingProfile: ['password'] } })
    expect((await page.call('POST', '/api/experience/profile', { type: 'password', value: 'a fine new passphrase' })).status).toBe(204)
    expect((await page.call('POST', '/api/experience/identification', {})).status).toBe(201)
    expect((await page.call('POST', '/api/experience/submit')).body).toMatchObject({ code: 'user.missing_mfa', data: { availableFactors: ['Totp'] } })
    const secret = await page.call('POST', '/api/experience/verification/totp/secret')
    await page.call('POST', '/api/experience/verification/totp/verify', { verificationId: secret.body.verificationId, code: totp(secret.body.secret, await control.now()) })
    expect((await page.call('POST', '/api/experience/profile/mfa', { type: 'Totp', verificationId: secret.body.verificationId })).status).toBe(204)
    expect((await page.call('POST', '/api/experience/submit')).body.code).toBe('session.mfa.backup_code_required')
    const backup = await page.call('POST', '/api/experience/verification/backup-code/generate')
    expect(backup.body.codes).toHaveLength(10)
    expect((await page.call('POST', '/api/experience/profile/mfa', { type: 'BackupCode', verificationId: backup.body.verificationId })).status).toBe(204)
    const tokens = await finish(page, verifier, state)
    const created = (await users()).find((u) => u.email === 'e2e-new@example.com')!
    expect(created).toMatchObject({ totpSecret: secret.body.secret, backupCodesLeft: 10 })
    await verifyTokens(tokens, created.id)
  })

  it('(c) forgot password by email code', async () => {
    const { page } = await authorize()
    await page.call('PUT', '/api/experience', { interactionEvent: 'ForgotPassword' })
    const sent = await page.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: 'alice@example.com' }, interactionEvent: 'ForgotPassword' })
    const code = await control.latestCode({ to: 'alice@example.com' })
    await page.call('POST', '/api/experience/verification/verification-code/verify', { identifier: { type: 'email', value: 'alice@example.com' }, verificationId: sent.body.verificationId, code })
    expect((await page.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })).status).toBe(204)
    expect((await page.call('PUT', '/api/experience/profile/password', { password: 'alice has a new one' })).status).toBe(204)
    const done = await page.call('POST', '/api/experience/submit')
    expect(done.status).toBe(200)
    expect(done.body).toBeUndefined()
    const login = await fetch(`${mock.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.com', password: 'alice has a new one' }) })
    expect(login.status).toBe(200)
  })

  it('(d) WebAuthn registration, then sign-in with the authenticator as second factor', async () => {
    const authenticator = createVirtualAuthenticator({ origin: mock.url })
    const first = await authorize()
    await first.page.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })
    const pw = await first.page.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'alice' }, password: DEMO_PASSWORD })
    await first.page.call('POST', '/api/experience/identification', { verificationId: pw.body.verificationId })
    const options = await first.page.call('POST', '/api/experience/verification/web-authn/registration')
    const payload = { ...(await authenticator.register(options.body.registrationOptions)), type: 'WebAuthn' }
    expect((await first.page.call('POST', '/api/experience/verification/web-authn/registration/verify', { verificationId: options.body.verificationId, payload })).status).toBe(200)
    expect((await first.page.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId: options.body.verificationId })).status).toBe(204)
    await finish(first.page, first.verifier, first.state)

    const second = await authorize()
    await second.page.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })
    const again = await second.page.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: 'alice' }, password: DEMO_PASSWORD })
    await second.page.call('POST', '/api/experience/identification', { verificationId: again.body.verificationId })
    expect((await second.page.call('POST', '/api/experience/submit')).body).toMatchObject({ code: 'session.mfa.require_mfa_verification', data: { availableFactors: ['WebAuthn'] } })
    const challenge = await second.page.call('POST', '/api/experience/verification/web-authn/authentication')
    const assertion = { ...(await authenticator.authenticate(challenge.body.authenticationOptions)), type: 'WebAuthn' }
    expect((await second.page.call('POST', '/api/experience/verification/web-authn/authentication/verify', { verificationId: challenge.body.verificationId, payload: assertion })).status).toBe(200)
    const tokens = await finish(second.page, second.verifier, second.state)
    expect(oauth.getValidatedIdTokenClaims(tokens)!.amr).toEqual(expect.arrayContaining(['hwk']))
  })

  it('(e) refresh-token reuse revokes the whole family', async () => {
    await control.setConfig({ experience: { mfa: { factors: [] } } })
    const { page, verifier, state } = await authorize()
    await page.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })
    const pw = await page.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: 'alice@example.com' }, password: DEMO_PASSWORD })
    await page.call('POST', '/api/experience/identification', { verificationId: pw.body.verificationId })
    const tokens = await finish(page, verifier, state)
    const rotated = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure))
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token)
    await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), rotated.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' })
    const info = await oauth.userInfoRequest(as, client, rotated.access_token, insecure)
    expect(info.status).toBe(401)
  })
})
