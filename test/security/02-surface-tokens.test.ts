/**
 * Point 2: platform 2FA bypassed with the password alone. The probe signed in on otp (no second
 * factor), used that token on platform's `userProfile` and `disable2Fa`, and crossed refresh tokens
 * between surfaces; a platform password reset left otp sessions alive. Every step is refused here.
 */
import { describe, expect, it } from 'vitest'
import { BOB, claimsOf, codes, DEMO_PASSWORD, gql, otpLogin, platformLogin, rest, useSecurityMock, ALICE } from './support'

const { mock } = useSecurityMock()

const PROFILE = 'query { userProfile { id twoFactorAuth } }'
const DISABLE = 'mutation($p: String) { disable2Fa(password: $p) { twoFactorAuth } }'

async function platformLoginWith2Fa(email: string): Promise<{ token: string; refreshToken: string }> {
  const pending = await gql('mutation($e:String){login(credentials:{email:$e,password:"portcullis-demo"}){sessionId promptTwoFactorAuth}}', { e: email })
  const { sessionId } = pending.data?.['login'] as { sessionId: string }
  const code = mock.outbox.latest({ to: email, purpose: 'platform.login_2fa' })!.code!
  const done = await gql('mutation($c:String!,$s:String!,$e:EmailAddress!){confirm2Fa(code:$c,sessionId:$s,email:$e){token refreshToken}}', { c: code, s: sessionId, e: email })
  return done.data?.['confirm2Fa'] as { token: string; refreshToken: string }
}

describe('tokens bound to their surface (point 2)', () => {
  it('an otp token (password only) is refused by platform userProfile and disable2Fa; 2FA stays on', async () => {
    const { idToken } = await otpLogin(BOB.email)
    expect(claimsOf(idToken)).toMatchObject({ aud: 'portcullis:otp', amr: ['pwd'] })
    expect(codes(await gql(PROFILE, {}, { token: idToken }))).toEqual(['UNAUTHENTICATED'])
    expect(codes(await gql(DISABLE, { p: DEMO_PASSWORD }, { token: idToken }))).toEqual(['UNAUTHENTICATED'])
    expect(mock.users.get(BOB.id)?.twoFactor).toBe(true)
    // Platform login still asks bob for his code.
    const again = await gql('mutation{login(credentials:{email:"bob@example.com",password:"portcullis-demo"}){promptTwoFactorAuth token}}')
    expect(again.data?.['login']).toEqual({ promptTwoFactorAuth: true, token: null })
  })

  it('a platform token says which factors were used, and is refused by otp', async () => {
    const { token } = await platformLoginWith2Fa(BOB.email)
    expect(claimsOf(token)).toMatchObject({ aud: 'portcullis:platform', amr: ['pwd', 'otp', 'mfa'] })
    expect(claimsOf((await platformLogin(ALICE.email)).token)).toMatchObject({ amr: ['pwd'] })
    const reply = await rest('POST', '/auth/otp/methods/totp', { token, json: {} })
    expect(reply.status).toBe(401)
    expect(reply.body).toMatchObject({ code: 'unauthenticated' })
  })

  it('refresh tokens do not cross either: refused, and left usable on their own surface', async () => {
    const otp = await otpLogin(ALICE.email)
    expect(codes(await gql('mutation($r:String!){newToken(refreshToken:$r){token}}', { r: otp.refreshToken }))).toEqual(['INVALID_REFRESH_TOKEN'])
    expect((await rest('POST', '/auth/login/refresh', { json: { refreshToken: otp.refreshToken } })).status).toBe(200)

    const platform = await platformLogin(ALICE.email)
    expect(await rest('POST', '/auth/login/refresh', { json: { refreshToken: platform.refreshToken } })).toMatchObject({ status: 403, body: { code: 'invalid_refresh_token' } })
    expect(codes(await gql('mutation($r:String!){newToken(refreshToken:$r){token}}', { r: platform.refreshToken }))).toEqual([])
  })

  it('a platform password reset revokes the user’s otp sessions (access and refresh)', async () => {
    const otp = await otpLogin(ALICE.email)
    await gql('mutation { forgotPassword(email: "alice@example.com") { status } }')
    const code = mock.outbox.latest({ to: ALICE.email, purpose: 'platform.password_reset' })!.code!
    const reset = await gql('mutation($c:String!){confirmPasswordReset(passwordResetParams:{email:"alice@example.com",code:$c,newPassword:"a-brand-new-password"}){status}}', { c: code })
    expect(codes(reset)).toEqual([])
    expect((await rest('POST', '/auth/otp/methods/totp', { token: otp.idToken, json: {} })).status).toBe(401)
    expect((await rest('POST', '/auth/login/refresh', { json: { refreshToken: otp.refreshToken } })).status).toBe(403)
  })

  it('a platform password change revokes otp sessions too', async () => {
    const otp = await otpLogin(ALICE.email)
    const { token } = await platformLogin(ALICE.email)
    const changed = await gql('mutation{changePassword(oldPassword:"portcullis-demo",newPassword:"another-new-password"){token}}', {}, { token })
    expect(codes(changed)).toEqual([])
    expect((await rest('POST', '/auth/login/refresh', { json: { refreshToken: otp.refreshToken } })).status).toBe(403)
  })

  it('disable2Fa needs the password even with a genuine platform token', async () => {
    const { token } = await platformLoginWith2Fa(BOB.email)
    expect(codes(await gql(DISABLE, {}, { token }))).toEqual(['BAD_USER_INPUT'])
    expect(codes(await gql(DISABLE, { p: 'guessed-password' }, { token }))).toEqual(['INVALID_CREDENTIALS'])
    expect(mock.users.get(BOB.id)?.twoFactor).toBe(true)
    expect(await gql(DISABLE, { p: DEMO_PASSWORD }, { token })).toMatchObject({ data: { disable2Fa: { twoFactorAuth: false } } })
  })
})
