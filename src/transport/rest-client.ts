import createClient, { type Client } from 'openapi-fetch'
import type { ClientOptions } from '../core/types'
import { contractError, restAnswerIssues, type AnswerTable } from './contract'

/**
 * An openapi-fetch client typed by a generated `paths` interface. With `answers` (the generated
 * zod answer table, loaded on first use) every answer is checked against the contract and one
 * that breaks it rejects the call with an AuthError of kind `contract`.
 */
export function createRestClient<Paths extends {}>(
  options: ClientOptions,
  contract?: { api: string; answers: () => Promise<AnswerTable> },
): Client<Paths, `${string}/${string}`> {
  const client = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Resolved per call so fetch interceptors installed after creation still apply.
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })
  if (contract) {
    client.use({
      async onResponse({ request, response, schemaPath }) {
        // A followed redirect (the OIDC routes' 303) answers for another URL.
        if (response.redirected) return undefined
        const operation = `${request.method} ${schemaPath}`
        const body = response.status === 204 ? null : await response.clone().text()
        const issues = restAnswerIssues(await contract.answers(), operation, response.status, body)
        if (issues.length) throw contractError(contract.api, operation, issues, response.status)
        return undefined
      },
    })
  }
  return client
}
