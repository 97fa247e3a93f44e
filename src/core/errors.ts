/** What went wrong, in the terms a caller acts on (retry, re-authenticate, fix input, prompt). */
export type AuthErrorKind = 'network' | 'auth' | 'validation' | 'challenge' | 'rate_limit' | 'server'

/** Field-level problems, keyed by input field (`nonFieldErrors` for the rest). */
export type AuthErrorDetails = Readonly<Record<string, readonly string[]>>

export interface AuthErrorOptions {
  /** Stable, machine-readable code, e.g. `invalid_credentials`, `network_error`. */
  code: string
  kind: AuthErrorKind
  /** HTTP status when the error came from a response. */
  status?: number | undefined
  /** Defaults to true for `network`, `rate_limit` and `server`. */
  retryable?: boolean | undefined
  details?: AuthErrorDetails | undefined
  /** Kept for debugging only; never serialized (it may hold request data). */
  cause?: unknown
}

/**
 * The one error type every Portcullis call rejects with. Messages are written for people and
 * never contain tokens, codes or passwords; `toJSON()` carries only the safe fields.
 */
export class AuthError extends Error {
  override readonly name: string = 'AuthError'
  readonly code: string
  readonly kind: AuthErrorKind
  readonly status: number | undefined
  readonly retryable: boolean
  readonly details: AuthErrorDetails | undefined

  constructor(message: string, options: AuthErrorOptions) {
    super(message)
    if (options.cause !== undefined) {
      // Not enumerable, so spreading or JSON-serializing the error cannot leak it.
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, configurable: true })
    }
    this.code = options.code
    this.kind = options.kind
    this.status = options.status
    this.retryable = options.retryable ?? (options.kind === 'network' || options.kind === 'rate_limit' || options.kind === 'server')
    this.details = options.details
  }

  toJSON(): { name: string; message: string; code: string; kind: AuthErrorKind; status?: number; retryable: boolean; details?: AuthErrorDetails } {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      kind: this.kind,
      ...(this.status === undefined ? {} : { status: this.status }),
      retryable: this.retryable,
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

/** Maps an HTTP status to the kind a caller should react to. */
export function kindForStatus(status: number): AuthErrorKind {
  if (status === 429) return 'rate_limit'
  if (status === 401 || status === 403) return 'auth'
  if (status >= 500) return 'server'
  return 'validation'
}
