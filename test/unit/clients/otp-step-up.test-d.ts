/**
 * Compile-time contract of `createOtpClient(auth)` (checked by `tsc --noEmit`): through an
 * AuthClient `x-otp` may be left out (the step-up asks for it), everything else stays as typed
 * as the plain client, where `x-otp` stays required. Every `@ts-expect-error` must stay an error.
 */
import { expectTypeOf } from 'vitest'
import type { AuthClient } from '../../../src/index'
import { createOtpClient, type AuthOtpClient, type OtpClient } from '../../../src/otp'

declare const auth: AuthClient
declare const options: { baseUrl: string }

export async function stepUpContracts(): Promise<void> {
  const otp = createOtpClient(auth)
  expectTypeOf(otp).toEqualTypeOf<AuthOtpClient>()
  expectTypeOf(createOtpClient(options)).toEqualTypeOf<OtpClient>()

  // No x-otp: the step-up fills it in. No params at all for DELETE, no header for POST.
  const deleted = await otp.DELETE('/auth/otp/methods/totp')
  expectTypeOf(deleted.data?.hasValidatedSecret).toEqualTypeOf<boolean | undefined>()
  const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'TOTP' } })
  expectTypeOf(confirmed.data?.hasValidatedPhone).toEqualTypeOf<boolean | undefined>()
  // A code the app already has can still be given.
  await otp.POST('/auth/otp/code', { body: { channel: 'SMS' }, params: { header: { 'x-otp': '123456' } } })

  // Everything else is as strict as before.
  // @ts-expect-error the body is still required
  await otp.POST('/auth/otp/code', {})
  // @ts-expect-error `channel` must be SMS or TOTP
  await otp.POST('/auth/otp/code', { body: { channel: 'EMAIL' } })
  // @ts-expect-error x-otp is a string
  await otp.DELETE('/auth/otp/methods/totp', { params: { header: { 'x-otp': 123456 } } })
  // @ts-expect-error the query of GET /auth/otp/code is still required
  await otp.GET('/auth/otp/code')
  // @ts-expect-error unknown path
  await otp.DELETE('/auth/otp/methods/sms')

  // Without an AuthClient nothing would ask for the code: it stays required.
  const plain = createOtpClient(options)
  // @ts-expect-error x-otp is required on the plain client
  await plain.DELETE('/auth/otp/methods/totp')
  // @ts-expect-error x-otp is required on the plain client
  await plain.POST('/auth/otp/code', { body: { channel: 'TOTP' } })
}
