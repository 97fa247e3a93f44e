/**
 * Compile-time contract of AuthClient's public API, checked by `tsc --noEmit` (part of `npm
 * test`): every `@ts-expect-error` below must stay an error, or the typecheck fails.
 */
import { expectTypeOf } from 'vitest'
import { AuthClient, AuthError, type AuthErrorCode, type Challenge, type InitialSession, type SignOutResult, type StepUpResult } from '../../src/index'
import { otpApi } from '../../src/otp'
import { platformApi } from '../../src/platform'

const otp = new AuthClient({ baseUrl: 'https://auth.example.com', api: otpApi() })
const platform = new AuthClient({ baseUrl: 'https://auth.example.com', api: platformApi() })

export async function credentialsPerAdapter(): Promise<void> {
  await otp.signIn({ email: 'a@example.com', password: 'x' })
  // @ts-expect-error otp signs in by email only
  await otp.signIn({ username: 'ada', password: 'x' })
  await platform.signIn({ username: 'ada', password: 'x' })
  await platform.signIn({ email: 'a@example.com', password: 'x', deviceId: 'd' })
}

export function errorCodes(error: AuthError): void {
  expectTypeOf(error.code).toEqualTypeOf<AuthErrorCode>()
  // A switch over the codes is checked: a typo is an error.
  // @ts-expect-error not a code Portcullis produces
  if (error.code === 'token_reuse') return
  if (error.code === 'http_503' || error.code === 'refresh_token_reused') return
}

export async function challengesByKind(challenge: Challenge): Promise<void> {
  if (challenge.kind === 'step_up') {
    expectTypeOf(await challenge.verify('123456')).toEqualTypeOf<StepUpResult>()
  } else if (challenge.kind === 'sign_in_2fa') {
    const result = await challenge.verify('123456')
    expectTypeOf(result.status).toEqualTypeOf<'signedIn' | 'challenge'>()
    // @ts-expect-error a sign-in answer carries no transport object
    void result.response
  }
  // @ts-expect-error without narrowing by kind, verify's result has no response either
  void (await challenge.verify('1')).response
}

export async function lifecycle(): Promise<void> {
  expectTypeOf(await otp.ready()).toEqualTypeOf<InitialSession>()
  expectTypeOf(await otp.signOut()).toEqualTypeOf<SignOutResult>()
  await otp.getAccessToken({ signal: AbortSignal.timeout(1_000) })
}
