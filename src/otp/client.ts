import type { Client } from 'openapi-fetch'
import type { AuthClient } from '../core/auth-client'
import type { ClientOptions } from '../core/types'
import type { paths } from '../generated/otp/openapi'
import { answerCheck, validateByDefault, type TypedClientOptions } from '../transport/contract'
import { createRestClient } from '../transport/rest-client'

/** The otp API exactly as published: `x-otp` is a required header where the API needs one. */
export type OtpClient = Client<paths, `${string}/${string}`>

/** An operation whose `x-otp` header becomes optional (everything else unchanged). */
type OtpOptional<Op> = Op extends { parameters: { header: infer H extends { 'x-otp': string } } }
  ? Omit<Op, 'parameters'> & {
      parameters: Omit<Op['parameters'], 'header'> & { header?: Omit<H, 'x-otp'> & { 'x-otp'?: string } }
    }
  : Op

/** `paths` with every `x-otp` header optional: left out, the AuthClient's step-up asks for it. */
export type StepUpPaths<P> = { [Path in keyof P]: { [Method in keyof P[Path]]: OtpOptional<P[Path][Method]> } }

/**
 * The otp client on an AuthClient. A call that needs a second factor may leave `x-otp` out:
 * the server's refusal becomes a `step_up` challenge (the `challenge` event, or a
 * `ChallengeRequiredError` when nobody listens), and once it is answered the call is sent again
 * with `x-otp` set, so `data`/`error` are those of the call that went through.
 */
export type AuthOtpClient = Client<StepUpPaths<paths>, `${string}/${string}`>

/**
 * A typed openapi-fetch client for the otp API: `client.POST('/auth/login', { body })`.
 * Given an AuthClient it sends the bearer token through `auth.fetch` (refresh, retry, step-up),
 * and `x-otp` becomes optional (see `AuthOtpClient`). In development builds every answer is
 * checked against the contract (`validate`, see `TypedClientOptions`).
 */
export function createOtpClient(auth: AuthClient, contract?: TypedClientOptions): AuthOtpClient
export function createOtpClient(options: ClientOptions, contract?: TypedClientOptions): OtpClient
export function createOtpClient(options: ClientOptions, { validate = validateByDefault() }: TypedClientOptions = {}): OtpClient {
  return createRestClient<paths>(options, validate ? answerCheck('otp', () => import('../generated/otp/zod').then((m) => m.responses)) : undefined)
}
