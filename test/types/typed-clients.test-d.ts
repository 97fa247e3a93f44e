/**
 * Compile-time contract of the typed clients, checked by `tsc --noEmit` (part of `npm test`):
 * every `@ts-expect-error` below must stay an error, or the typecheck fails.
 */
import { expectTypeOf } from 'vitest'
import { createAccountsClient, MeDocument, UsersDocument } from '../../src/accounts'
import { createExperienceClient, describeStep, experienceApi } from '../../src/experience'
import { AuthClient } from '../../src/index'
import { createOtpClient } from '../../src/otp'
import { Confirm2FaDocument, createPlatformClient, LoginDocument, type LoginMutation, UserProfileDocument } from '../../src/platform'

declare const options: { baseUrl: string }
const platform = createPlatformClient(options)
const accounts = createAccountsClient(options)
const otp = createOtpClient(options)
const experience = createExperienceClient(options)

export async function graphqlContracts(): Promise<void> {
  expectTypeOf(await platform.request(LoginDocument, { credentials: { password: 'x' } })).toEqualTypeOf<LoginMutation>()
  // @ts-expect-error wrong variable name
  await platform.request(LoginDocument, { creds: { password: 'x' } })
  // @ts-expect-error wrong variable type (password must be a string)
  await platform.request(LoginDocument, { credentials: { password: 42 } })
  // @ts-expect-error required variables missing
  await platform.request(Confirm2FaDocument)
  // @ts-expect-error required variable `email` missing
  await platform.request(Confirm2FaDocument, { code: '1', sessionId: 's' })
  // An operation without variables needs none.
  expectTypeOf((await platform.request(UserProfileDocument)).userProfile?.username).toEqualTypeOf<string | undefined>()
  // Optional variables may be omitted.
  await accounts.request(UsersDocument)
  await accounts.request(UsersDocument, { first: 10, username_Icontains: 'al' })
  // @ts-expect-error unknown filter
  await accounts.request(UsersDocument, { nickname: 'al' })
  const me = await accounts.request(MeDocument)
  expectTypeOf(me.me?.verified).toEqualTypeOf<boolean | null | undefined>()
  // @ts-expect-error result fields are typed: there is no `password` on UserNode
  void me.me?.password
}

export async function restContracts(): Promise<void> {
  const login = await otp.POST('/auth/login', { body: { email: 'a@example.com', password: 'x' } })
  expectTypeOf(login.data).toEqualTypeOf<{ idToken: string; refreshToken: string } | undefined>()
  // @ts-expect-error missing required body field `password`
  await otp.POST('/auth/login', { body: { email: 'a@example.com' } })
  // @ts-expect-error unknown path
  await otp.POST('/auth/logout', { body: {} })
  // @ts-expect-error wrong method for the path
  await otp.PUT('/auth/login', { body: { email: 'a@example.com', password: 'x' } })
  // @ts-expect-error `method` must be EMAIL or SMS
  await otp.GET('/auth/otp/code', { params: { query: { method: 'PIGEON' } } })
  // @ts-expect-error the x-otp header is required to delete the TOTP secret
  await otp.DELETE('/auth/otp/methods/totp', { params: { header: {} } })
  // @ts-expect-error unknown interaction event
  await experience.PUT('/api/experience', { body: { interactionEvent: 'Login' } })
  const code = await experience.POST('/api/experience/verification/verification-code', {
    body: { identifier: { type: 'email', value: 'a@example.com' }, interactionEvent: 'SignIn' },
  })
  expectTypeOf(code.data).toEqualTypeOf<{ verificationId: string } | undefined>()
}

/** `experienceApi()`: what `signIn()` takes, the typed client on an AuthClient, the typed steps. */
export async function experienceContracts(): Promise<void> {
  const auth = new AuthClient({ baseUrl: 'https://auth.example.com', api: experienceApi({ clientId: 'app', redirectUri: 'https://app.example/callback' }) })
  await auth.signIn({ identifier: 'carol', password: 'x' })
  await auth.signIn({ email: 'c@example.com' }) // passwordless: a code
  await auth.signIn({ phone: '+15550100' })
  // @ts-expect-error a username needs its password
  await auth.signIn({ username: 'carol' })
  // @ts-expect-error nothing to sign in with
  await auth.signIn({ password: 'x' })
  // @ts-expect-error experienceApi needs its client and redirect URI
  experienceApi({ clientId: 'app' })
  const client = createExperienceClient(auth)
  const { data } = await client.GET('/oidc/.well-known/openid-configuration')
  expectTypeOf(data?.issuer).toEqualTypeOf<string | undefined>()
  // @ts-expect-error not a route of the spec
  await client.GET('/oidc/nowhere')
  const result = await auth.signIn({ email: 'c@example.com', password: 'x' })
  if (result.status === 'challenge') {
    const step = describeStep(result.challenge)
    if (step.kind === 'bind_mfa' && step.enrolling === 'totp') expectTypeOf(step.secret).toEqualTypeOf<string>()
    if (step.kind === 'missing_profile') expectTypeOf(step.missing).toEqualTypeOf<Array<'password' | 'username' | 'email' | 'phone' | 'emailOrPhone'>>()
    // @ts-expect-error only a TOTP enrolment has a secret
    if (step.kind === 'sign_in_2fa') void step.secret
  }
}
