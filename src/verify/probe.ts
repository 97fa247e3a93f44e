/**
 * The calls a scenario makes, each answer checked against the generated schemas as it arrives:
 * a REST answer by its operation's documented statuses and body schema, a GraphQL answer by its
 * operation's result schema. What breaks the contract is recorded as a failure of the scenario
 * (operation + JSON path + problem, never a value).
 */
import type { FetchLike } from '../core/types'
import { contractIssues, restAnswerIssues, type AnswerSchema, type AnswerTable } from '../transport/contract'

/** A break of the contract: where (operation, JSON path) and what. */
export interface Failure {
  /** `POST /auth/login`, or a GraphQL operation name. */
  operation: string
  /** JSON path into the answer (`$` for the answer as a whole). */
  path: string
  problem: string
}

/** Collects a scenario's failures. */
export class Findings {
  readonly failures: Failure[] = []
  fail(operation: string, path: string, problem: string): void {
    this.failures.push({ operation, path, problem })
  }
  /** Records a failure unless `ok`; returns `ok`. */
  expect(ok: boolean, operation: string, path: string, problem: string): boolean {
    if (!ok) this.fail(operation, path, problem)
    return ok
  }
}

/** Thrown to end a scenario early: a later step needs what this one did not get. */
export class StepFailed extends Error {}

/** The `"METHOD /template"` of a table that a concrete request matches, if any. */
export function operationOf(table: AnswerTable, method: string, path: string): string | undefined {
  for (const key of Object.keys(table)) {
    const [verb, template] = key.split(' ') as [string, string]
    if (verb !== method.toUpperCase()) continue
    const pattern = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$')
    if (pattern.test(path)) return key
  }
  return undefined
}

export interface RestAnswer {
  status: number
  body: Record<string, unknown> | null
}

/**
 * A fetch that checks every answer from `base` against `table` (redirects and answers to
 * routes outside the table, such as a hosted page, are not part of the REST contract).
 */
export function checkedFetch(fetchFn: FetchLike, table: AnswerTable, findings: Findings): FetchLike {
  return async (input, init) => {
    const request = new Request(input, init)
    const response = await fetchFn(request)
    const url = new URL(request.url)
    const operation = operationOf(table, request.method, url.pathname)
    if (operation && !(response.status >= 300 && response.status < 400)) {
      const body = response.status === 204 ? null : await response.clone().text()
      for (const issue of restAnswerIssues(table, operation, response.status, body)) findings.fail(operation, issue.path, issue.problem)
    }
    return response
  }
}

/** One REST call through a checked fetch: JSON in (or a form), the status and JSON body out. */
export async function rest(
  fetchFn: FetchLike,
  url: string,
  method: string,
  options: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  let body: string | URLSearchParams | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.form) body = new URLSearchParams(options.form)
  const response = await fetchFn(url, { method, headers, body })
  const parsed: unknown = await response.json().catch(() => null)
  return { status: response.status, body: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null }
}

export interface GraphQLAnswer {
  status: number
  data: Record<string, unknown> | null
  errors: Array<{ message?: string; extensions?: { code?: string } }>
}

/**
 * Posts one generated operation and checks its `data` against the operation's result schema.
 * The envelope itself must be GraphQL's: an object with `data` and/or a non-empty `errors` list.
 */
export async function graphql(
  fetchFn: FetchLike,
  url: string,
  document: string,
  variables: Record<string, unknown>,
  results: Readonly<Record<string, AnswerSchema>>,
  findings: Findings,
  authorization?: string,
): Promise<GraphQLAnswer> {
  const operation = /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'anonymous'
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: document, operationName: operation, variables }),
  })
  const body: unknown = await response.json().catch(() => undefined)
  const envelope = body && typeof body === 'object' && !Array.isArray(body) ? (body as { data?: unknown; errors?: unknown }) : null
  const errors = Array.isArray(envelope?.errors) ? (envelope.errors as GraphQLAnswer['errors']) : []
  if (!envelope || (!('data' in envelope) && !errors.length)) {
    findings.fail(operation, '$', envelope ? 'neither data nor errors' : 'not a JSON object')
    return { status: response.status, data: null, errors }
  }
  const data = envelope.data && typeof envelope.data === 'object' ? (envelope.data as Record<string, unknown>) : null
  const schema = results[operation]
  if (!schema) findings.fail(operation, '$', 'not a generated operation')
  else if (data) for (const issue of contractIssues(schema, data)) findings.fail(operation, issue.path.replace(/^\$/, '$.data'), issue.problem)
  return { status: response.status, data, errors }
}

/** Thrown when a scenario cannot run here (no account configured for it, say): reported as skipped. */
export class Skipped extends Error {}
