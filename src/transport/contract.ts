/**
 * Checking an answer against a generated zod schema, and saying what broke in terms safe to show:
 * the operation and the JSON path, never the value found there (it may be a token).
 * Shared by the typed clients (`validate`, on in development builds) and `portcullis-verify`.
 */
import { AuthError } from '../core/errors'

/** The part of a zod issue the report reads (zod/mini's `$ZodIssue`, structurally). */
export interface SchemaIssue {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly expected?: string | undefined
  readonly format?: string | undefined
  readonly keys?: readonly string[] | undefined
  readonly origin?: string | undefined
}

/** A generated schema, structurally (any zod/mini schema fits). */
export interface AnswerSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: readonly SchemaIssue[] } }
}

/** One broken rule: where (a JSON path such as `$.login.token`) and what. */
export interface ContractIssue {
  path: string
  problem: string
}

/** Options of the typed clients (`createOtpClient(auth, options)` and friends). */
export interface TypedClientOptions {
  /**
   * Check every answer against the schemas generated from schema/ and reject one that does not
   * match with an AuthError of kind `contract` (code `contract_violation`) naming the operation
   * and the JSON path.
   *
   * Default: on in development builds, off in production builds, told apart by the convention
   * bundlers understand: `process.env.NODE_ENV !== 'production'` (Vite, webpack, esbuild, Rollup
   * and Next.js replace it when they build; Node reads it when the client is created, unset
   * counting as development, as Express and React do). Where there is no `process` at all (a
   * page loaded without a bundler) the build counts as production: nothing says it is a
   * development one, and the safe guess costs no download and no parse per answer (React and
   * Vue ship their bundler-free builds as production builds too). An explicit `true` or `false`
   * always wins: `validate: true` in a production build (a staging deploy, a Node service) still
   * checks. The schemas (zod/mini, 1–12 KB gzip a surface) are a separate chunk either way,
   * downloaded and parsed only once a client that checks gets its first answer.
   */
  validate?: boolean | undefined
}

/** `validate` when a typed client is not told (see `TypedClientOptions`): whether this is a development build. */
export function validateByDefault(): boolean {
  try {
    // A bundler's production build turns this into `return false`.
    return process.env.NODE_ENV !== 'production'
  } catch {
    // No `process` (a page without a bundler): counted as a production build.
    return false
  }
}

/** A typed GraphQL client's check: rejects a result outside the contract. */
export type ResultCheck = (operation: string, data: unknown) => Promise<void>

/** The check of a GraphQL surface's results against its generated schemas by operation name (loaded on first use). */
export function resultCheck(api: string, load: () => Promise<Readonly<Record<string, AnswerSchema>>>): ResultCheck {
  return async (operation, data) => {
    const schema = (await load())[operation]
    const issues = schema ? contractIssues(schema, data) : [{ path: '$', problem: `${operation || 'an anonymous operation'} is not a generated operation` }]
    if (issues.length) throw contractError(api, operation, issues)
  }
}

/** A typed REST client's check: rejects an answer (`body`: its raw text, null for none) outside the contract. */
export type AnswerCheck = (operation: string, status: number, body: string | null) => Promise<void>

/** The check of a REST surface's answers against its generated answer table (loaded on first use). */
export function answerCheck(api: string, load: () => Promise<AnswerTable>): AnswerCheck {
  return async (operation, status, body) => {
    const issues = restAnswerIssues(await load(), operation, status, body)
    if (issues.length) throw contractError(api, operation, issues, status)
  }
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_]\w*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`)).join('')
}

/** What an issue means, from its code and the schema's side only (the input is never quoted). */
function problem(issue: SchemaIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected ?? 'another type'}`
    case 'unrecognized_keys':
      return `unexpected key${issue.keys && issue.keys.length > 1 ? 's' : ''} ${(issue.keys ?? []).join(', ')}`
    case 'invalid_value':
      return 'not one of the allowed values'
    case 'invalid_format':
      return `not a valid ${issue.format ?? 'value'}`
    case 'invalid_union':
      return 'matches none of the allowed shapes'
    case 'too_small':
    case 'too_big':
      return `${issue.origin ?? 'value'} too ${issue.code === 'too_small' ? 'small' : 'big'}`
    default:
      return issue.code.replace(/_/g, ' ')
  }
}

/** Every rule `value` breaks (empty when it matches). */
export function contractIssues(schema: AnswerSchema, value: unknown): ContractIssue[] {
  const result = schema.safeParse(value)
  return result.success ? [] : result.error.issues.map((issue) => ({ path: jsonPath(issue.path), problem: problem(issue) }))
}

/** The AuthError for an answer outside the contract: not retryable (the same answer would come back). */
export function contractError(api: string, operation: string, issues: readonly ContractIssue[], status?: number): AuthError {
  const first = issues[0]
  const details: Record<string, string[]> = {}
  for (const issue of issues) (details[issue.path] ??= []).push(issue.problem)
  return new AuthError(`The ${api} API answered ${operation} outside its contract${first ? ` at ${first.path}: ${first.problem}` : ''}.`, {
    code: 'contract_violation',
    kind: 'contract',
    retryable: false,
    status,
    details,
  })
}

/** A REST surface's documented answers: `"METHOD /path"` → status (or `default`) → JSON body schema (null: not JSON). */
export type AnswerTable = Readonly<Record<string, Readonly<Record<string | number, AnswerSchema | null>>>>

/**
 * What is wrong with a REST answer: an undocumented status, a body that is not JSON where JSON
 * is documented, or the rules its body breaks. `body` is the raw text (null for no body).
 */
export function restAnswerIssues(table: AnswerTable, operation: string, status: number, body: string | null): ContractIssue[] {
  const answers = table[operation]
  if (!answers) return [{ path: '$', problem: `${operation} is not a documented operation` }]
  const schema = answers[status] !== undefined ? answers[status] : answers['default']
  if (schema === undefined) return [{ path: '$', problem: `status ${status} is not documented` }]
  if (schema === null) return []
  let value: unknown
  try {
    value = JSON.parse(body ?? '')
  } catch {
    return [{ path: '$', problem: 'not JSON' }]
  }
  return contractIssues(schema, value)
}
