import type { Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'
import type { paths } from '../generated/experience/openapi'
import { answerCheck, validateByDefault, type TypedClientOptions } from '../transport/contract'
import { createRestClient } from '../transport/rest-client'

export type ExperienceClient = Client<paths, `${string}/${string}`>

/**
 * A typed openapi-fetch client for the experience API and its OIDC routes. `experienceApi()`
 * already drives a whole sign-in; this client is for calls of your own. The interaction cookies
 * must travel with every `/api/experience` call: in a browser use `credentials: 'include'`; in
 * Node pass a cookie-keeping fetch. In development builds every answer is checked against the
 * contract (`validate`, see `TypedClientOptions`).
 */
export function createExperienceClient(options: ClientOptions, { validate = validateByDefault() }: TypedClientOptions = {}): ExperienceClient {
  return createRestClient<paths>(options, validate ? answerCheck('experience', () => import('../generated/experience/zod').then((m) => m.responses)) : undefined)
}
