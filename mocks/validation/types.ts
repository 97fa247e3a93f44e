/**
 * Shapes shared by the OpenAPI request/response validator. Kept free of any surface: each REST
 * surface (otp today) builds a validator from its embedded spec.
 */

/** One input that failed validation; `path` is `body.x`, `query.x`, `header.x`, `path.x`, `cookie.x`. */
export interface ValidationIssue {
  path: string
  message: string
}

export type ValidationResult = { ok: true } | { ok: false; issues: ValidationIssue[] }

/** A request input after validation; parameter values are coerced to their schema types. */
export interface ValidatedRequest {
  ok: true
  body: unknown
  query: Record<string, unknown>
  headers: Record<string, unknown>
  path: Record<string, unknown>
  cookies: Record<string, unknown>
}

export type RequestValidation = ValidatedRequest | { ok: false; issues: ValidationIssue[] }

/** What `validateRequest` checks. `body: undefined` means "no body was sent". */
export interface RequestInput {
  body?: unknown
  /** `Content-Type` of the body; only checked when a body was sent. Defaults to the one in `headers`. */
  contentType?: string | null
  query?: URLSearchParams | Record<string, string | string[] | undefined>
  headers?: Headers | Record<string, string | undefined>
  pathParams?: Record<string, string>
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace'

/** One operation of the spec, found by method + path template. */
export interface OperationInfo {
  operationId: string
  method: HttpMethod
  /** The spec's path template, e.g. `/auth/otp/code` or `/oidc/auth/{uid}`. */
  path: string
  /** JSON pointer (unencoded segments joined) of the operation object inside the spec. */
  pointer: string
  /** The operation object itself (read-only view of the spec). */
  operation: Readonly<Record<string, unknown>>
  /**
   * Effective security requirements (operation-level, else document-level). `optional` is true when
   * an empty requirement `{}` is among them, i.e. the call may be made without credentials.
   */
  security: { schemes: string[]; optional: boolean }
  /** Whether the operation declares a request body, and whether it is required. */
  requestBody: { present: boolean; required: boolean; mediaTypes: string[] }
}

export type RouteMatch =
  | { kind: 'found'; operation: OperationInfo; pathParams: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' }

/** Outcome of reading a raw request body under the size limit. */
export type BodyRead =
  | { ok: true; text: string; bytes: number }
  | { ok: false; status: 413; reason: 'too_large' }
  | { ok: false; status: 400; reason: 'invalid_encoding' | 'unreadable' }
