/**
 * How the accounts adapter and flows write their operations: one spec per mutation, printed as
 * the classic document (`tokenAuth(password:$password, …)`) or the relay one
 * (`tokenAuth(input:$input)`), selecting only the fields read. Each spec is the generated
 * operation of the same name (`TokenAuth`, `TokenAuthRelay` …) with the same variables; a unit
 * test checks both forms against the schemas.
 */
import { AuthError, badResponse, kindForStatus, networkError, retryAfter, type AuthErrorCode, type AuthErrorKind } from '../core/errors'
import type { FetchLike } from '../core/types'

export interface OperationSpec {
  /** Operation name of the classic form (the relay form adds `Relay`). */
  name: string
  /** Root field, the same in both schemas. */
  field: string
  /** The classic variables, e.g. `token:String!,email:String` (the relay form takes them in `<Input>!`). */
  variables: string
  /** The relay input type, e.g. `VerifyAccountInput`. */
  input: string
  /** The output fields read (besides `success errors`). */
  select?: string
}

/** The document for one flavour. */
export function documentOf(spec: OperationSpec, relay: boolean): string {
  const select = `{success errors${spec.select ? ' ' + spec.select : ''}}`
  if (relay) return `mutation ${spec.name}Relay($input:${spec.input}!){${spec.field}(input:$input)${select}}`
  const variables = spec.variables.split(',').map((declaration) => declaration.split(':'))
  return `mutation ${spec.name}(${variables.map(([name, type]) => `$${name}:${type}`).join(',')}){${spec.field}(${variables.map(([name]) => `${name}:$${name}`).join(',')})${select}}`
}

/** A mutation output as the adapter reads it. */
export interface Output {
  success?: boolean | null
  errors?: Record<string, Array<{ message?: unknown; code?: unknown }>> | null
  [field: string]: unknown
}

/** How callers act on each `errors` code; anything else is a form error (`validation`). */
const KINDS: Record<string, AuthErrorKind> = {
  invalid_credentials: 'auth',
  not_verified: 'auth',
  unauthenticated: 'auth',
  invalid_token: 'auth',
  expired_token: 'auth',
  throttled: 'rate_limit',
  email_fail: 'server',
}

/** `{ success: false, errors }` as an AuthError: the first entry's code and message, every field's messages in `details`. */
export function outputError(errors: Output['errors']): AuthError {
  const details: Record<string, string[]> = {}
  let first: { message?: unknown; code?: unknown } | undefined
  for (const [field, entries] of Object.entries(errors ?? {})) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      first ??= entry
      ;(details[field] ??= []).push(String(entry?.message))
    }
  }
  // The API's own codes (django-graphql-auth's and Django's forms'), listed in AuthErrorCode.
  const code = (typeof first?.code === 'string' ? first.code : 'request_failed') as AuthErrorCode
  return new AuthError(typeof first?.message === 'string' ? first.message : 'The accounts API refused the request.', {
    code,
    kind: KINDS[code] ?? 'validation',
    details,
  })
}

/** graphql-jwt's top-level errors for a JWT that cannot authenticate (the refresh-and-retry path). */
export const JWT_ERRORS = ['Signature has expired', 'Error decoding signature', 'Invalid token', 'User is disabled']

/**
 * Posts one mutation and returns its output, or rejects with an AuthError: a transport failure,
 * a top-level GraphQL error (a rejected JWT reads `kind: 'auth'`), or `success: false`.
 */
export async function mutate(fetchFn: FetchLike, url: string, spec: OperationSpec, relay: boolean, variables: Record<string, unknown>): Promise<Output> {
  let response: Response
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: documentOf(spec, relay), operationName: spec.name + (relay ? 'Relay' : ''), variables: relay ? { input: variables } : variables }),
    })
  } catch (cause) {
    throw networkError(cause)
  }
  const status = response.status
  const body = (await response.json().catch(() => null)) as { data?: Record<string, Output | null> | null; errors?: Array<{ message?: unknown }> } | null
  const output = body?.data?.[spec.field]
  const message = body?.errors?.[0]?.message
  if (!output || !response.ok) {
    const jwt = typeof message === 'string' && JWT_ERRORS.includes(message)
    // A 200 without the mutation's output: say which part is missing (never what came instead).
    if (!jwt && response.ok) throw badResponse(body ? `data.${spec.field} is missing` : 'the body is not a JSON object')
    throw new AuthError(jwt ? message : `The accounts API rejected the request (status ${status}).`, {
      code: jwt ? (message === JWT_ERRORS[0] ? 'token_expired' : 'invalid_token') : `http_${status}`,
      kind: jwt ? 'auth' : kindForStatus(status),
      status,
      retryAfterMs: retryAfter(response.headers),
    })
  }
  if (output.success === false) throw outputError(output.errors)
  return output
}
