import type { ErrorObject } from 'ajv/dist/2020.js'
import type { ValidationIssue } from './types'

/** Details are capped so a hostile body cannot produce a megabyte of error text. */
export const DEFAULT_MAX_ISSUES = 20

const ARTICLE_TYPES: Record<string, string> = {
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  null: 'null',
}

function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** `body` + `/a/0/b` → `body.a.0.b`. */
export function joinIssuePath(prefix: string, instancePath: string, extra?: string): string {
  const parts = instancePath === '' ? [] : instancePath.split('/').slice(1).map(unescapePointerSegment)
  if (extra !== undefined) parts.push(extra)
  return parts.length === 0 ? prefix : `${prefix}.${parts.join('.')}`
}

function describeType(type: unknown): string {
  if (Array.isArray(type)) return type.map((t) => ARTICLE_TYPES[String(t)] ?? String(t)).join(' or ')
  return ARTICLE_TYPES[String(type)] ?? String(type)
}

function listValues(values: unknown[]): string {
  if (values.length > 12) return 'must be one of the allowed values'
  return `must be one of: ${values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`
}

/** One readable issue for one Ajv error. */
export function issueFromAjvError(prefix: string, error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: joinIssuePath(prefix, error.instancePath, String(params['missingProperty'])), message: 'is required' }
    case 'dependentRequired':
      return { path: joinIssuePath(prefix, error.instancePath, String(params['missingProperty'])), message: 'is required' }
    case 'additionalProperties':
      return { path: joinIssuePath(prefix, error.instancePath, String(params['additionalProperty'])), message: 'is not allowed' }
    case 'unevaluatedProperties':
      return { path: joinIssuePath(prefix, error.instancePath, String(params['unevaluatedProperty'])), message: 'is not allowed' }
    case 'type':
      return { path: joinIssuePath(prefix, error.instancePath), message: `must be ${describeType(params['type'])}` }
    case 'enum':
      return { path: joinIssuePath(prefix, error.instancePath), message: listValues((params['allowedValues'] as unknown[]) ?? []) }
    case 'const':
      return { path: joinIssuePath(prefix, error.instancePath), message: listValues([params['allowedValue']]) }
    case 'format':
      return { path: joinIssuePath(prefix, error.instancePath), message: `must be a valid ${String(params['format'])}` }
    case 'minLength':
      return {
        path: joinIssuePath(prefix, error.instancePath),
        message: params['limit'] === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} characters`,
      }
    case 'maxLength':
      return { path: joinIssuePath(prefix, error.instancePath), message: `must have at most ${String(params['limit'])} characters` }
    case 'anyOf':
    case 'oneOf':
      return { path: joinIssuePath(prefix, error.instancePath), message: 'does not match any allowed form' }
    default:
      return { path: joinIssuePath(prefix, error.instancePath), message: error.message ?? `fails ${error.keyword}` }
  }
}

/**
 * Turns Ajv's error list into issues: branch errors of a failed `anyOf`/`oneOf` are folded into
 * that one combinator error, duplicates are dropped and the list is capped.
 */
export function issuesFromAjvErrors(prefix: string, errors: readonly ErrorObject[] | null | undefined, max: number = DEFAULT_MAX_ISSUES): ValidationIssue[] {
  if (!errors || errors.length === 0) return [{ path: prefix, message: 'is invalid' }]
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/')
  const kept = errors.filter((e) => !combinators.some((c) => e.schemaPath.startsWith(c)))
  return dedupeIssues(kept.map((e) => issueFromAjvError(prefix, e)), max)
}

export function dedupeIssues(issues: ValidationIssue[], max: number = DEFAULT_MAX_ISSUES): ValidationIssue[] {
  const seen = new Set<string>()
  const out: ValidationIssue[] = []
  for (const issue of issues) {
    const key = `${issue.path}\u0000${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(issue)
    if (out.length >= max) break
  }
  return out
}
