import type { Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'
import type { paths } from '../generated/otp/openapi'
import { createRestClient } from '../transport/rest-client'

export type OtpClient = Client<paths, `${string}/${string}`>

/** A typed openapi-fetch client for the otp API: `client.POST('/auth/login', { body })`. */
export function createOtpClient(options: ClientOptions): OtpClient {
  return createRestClient<paths>(options)
}
