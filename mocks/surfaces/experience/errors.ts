/**
 * Error bodies of the experience surface: `{ code, message, data?, details? }` with the message of
 * each code taken from `messages.json` (the backend's English texts, `{{name}}` filled in).
 */
import { json } from '../../control/json'
import type { ValidationIssue } from '../../validation'
import messages from './messages.json'

export type ExperienceErrorCode = keyof typeof messages

/** The backend's English text per code, `{{name}}` placeholders unfilled. */
export const EXPERIENCE_MESSAGES: Readonly<Record<ExperienceErrorCode, string>> = messages

export function messageOf(code: ExperienceErrorCode, interpolation: Record<string, string | number> = {}): string {
  return messages[code].replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(interpolation[name] ?? ''))
}

export interface ErrorOptions {
  data?: unknown
  interpolation?: Record<string, string | number>
  details?: string
  /** Extra OAuth-style fields (`session.not_found` only). */
  oauth?: { error: string; error_description: string }
}

/** Thrown by handlers to answer with a documented error; the surface turns it into a response. */
export class ExperienceError extends Error {
  constructor(
    readonly status: number,
    readonly code: ExperienceErrorCode,
    readonly options: ErrorOptions = {},
  ) {
    super(messageOf(code, options.interpolation))
    this.name = 'ExperienceError'
  }
}

export function errorResponse(error: ExperienceError): Response {
  const { data, details, oauth } = error.options
  return json({ code: error.code, message: error.message, ...(data === undefined ? {} : { data }), ...(details ? { details } : {}), ...oauth }, error.status)
}

/** Shorthand for `throw new ExperienceError(...)` in expressions. */
export function fail(status: number, code: ExperienceErrorCode, options?: ErrorOptions): never {
  throw new ExperienceError(status, code, options)
}

/** 400 `guard.invalid_input` with the validation problems, one per line. */
export function guardError(issues: ValidationIssue[], type: 'body' | 'query' | 'path' = 'body'): ExperienceError {
  return new ExperienceError(400, 'guard.invalid_input', { interpolation: { type }, details: issues.map((i) => `${i.path}: ${i.message}`).join('\n') })
}

export const sessionNotFound = (): ExperienceError =>
  new ExperienceError(400, 'session.not_found', { oauth: { error: 'invalid_request', error_description: 'interaction session id cookie not found' } })

/** OAuth/OIDC error bodies (`{ error, error_description }`) of the `/oidc/*` routes. */
export function oidcError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return json({ error, error_description: description }, status, headers)
}
