import type { Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'
import type { paths } from '../generated/experience/openapi'
import { createRestClient } from '../transport/rest-client'

export type ExperienceClient = Client<paths, `${string}/${string}`>

/**
 * A typed openapi-fetch client for the experience API and its OIDC routes. `experienceApi()`
 * already drives a whole sign-in; this client is for calls of your own. The interaction cookies
 * must travel with every `/api/experience` call: in a browser use `credentials: 'include'`; in
 * Node pass a cookie-keeping fetch.
 */
export function createExperienceClient(options: ClientOptions): ExperienceClient {
  return createRestClient<paths>(options)
}
