/**
 * Error vocabulary of the platform surface. Every error a resolver raises on purpose is a GraphQL
 * error whose `extensions.code` is one of `PlatformErrorCode` and whose `message` is meant for
 * humans. The backend publishes no codes of its own, so this list is Portcullis's choice.
 */
import { GraphQLError } from 'graphql'

export const PLATFORM_ERROR_CODES = {
  /** No bearer token, or one that is malformed, expired (mock clock), revoked or whose user is gone. */
  UNAUTHENTICATED: 'Authentication required: send a valid access token as `Authorization: Bearer <token>`.',
  /** Unknown user or wrong password (one answer for both), or a wrong password confirming a change; the accounts surface's text, so the GraphQL surfaces say it alike. */
  INVALID_CREDENTIALS: 'Please, enter valid credentials.',
  /** Right password, but the account is deactivated, suspended or blocked. */
  ACCOUNT_DISABLED: 'This account is disabled.',
  /** Wrong emailed code; `extensions.attemptsLeft` says how many tries remain. */
  INVALID_CODE: 'The code is incorrect.',
  /** The emailed code is past its lifetime (mock clock); request a new one. */
  CODE_EXPIRED: 'The code has expired. Request a new one.',
  /** Too many wrong codes: the pending login / change / reset is dead, start over. */
  CODE_ATTEMPTS_EXHAUSTED: 'Too many incorrect codes. Start again.',
  /** confirm2Fa/resend2Fa: the sessionId is not a pending login, or the email does not match it. */
  INVALID_SESSION: 'The 2FA session is unknown or does not belong to this email address.',
  /** newToken: the refresh token is unknown, expired or revoked. */
  INVALID_REFRESH_TOKEN: 'The refresh token is invalid or has expired.',
  /** newToken: the refresh token was already used; its whole session has been revoked. */
  REFRESH_TOKEN_REUSED: 'The refresh token was already used; the session has been revoked. Sign in again.',
  /** register: the email belongs to another account. */
  EMAIL_IN_USE: 'An account with this email address already exists.',
  /** register: the username belongs to another account. */
  USERNAME_IN_USE: 'An account with this username already exists.',
  /** register / changePassword / confirmPasswordReset: the password breaks the password policy. */
  WEAK_PASSWORD: 'The password does not meet the password policy.',
  /** confirmChangePassword2Fa / resendChangePassword2Fa without a pending password change. */
  NO_PENDING_CHALLENGE: 'There is no pending password change to confirm.',
  /** Input that passes GraphQL validation but is still unusable (e.g. login with neither email nor username). */
  BAD_USER_INPUT: 'The input is invalid.',
  /**
   * Too many wrong passwords, codes sent or wrong codes for the account or from this client
   * (`PUT /__mock/config {limits}`); `extensions.retryAfterMs` says how long to wait.
   */
  RATE_LIMITED: 'Too many attempts. Try again later.',
  /** The request carries more sensitive root fields (password or code checks, code sends, sign-ups) than `limits.sensitiveFieldsPerRequest`. */
  TOO_MANY_SENSITIVE_FIELDS: 'The request carries too many sensitive operations.',
  /** Mail delivery is switched off (`PUT /__mock/config {mailEnabled:false}`), so no code could be sent. */
  EMAIL_DELIVERY_FAILED: 'The email could not be sent.',
  /** A bug in the mock; internals are never shown. */
  INTERNAL_SERVER_ERROR: 'Internal server error.',
} as const

export type PlatformErrorCode = keyof typeof PLATFORM_ERROR_CODES

/** Codes the transport layer adds to request errors that never reached a resolver. */
export const REQUEST_ERROR_CODES = {
  /** Not a well-formed GraphQL-over-HTTP request: unparsable JSON, missing/invalid `query`, bad `variables` ... */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The query text is not valid GraphQL syntax. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document does not validate against the schema (unknown field/operation, bad literal, invalid EmailAddress literal ...). */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** A variable has the wrong type or an invalid value (including an invalid EmailAddress variable). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The request body is larger than the limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A method other than POST (or GET for a query), e.g. a mutation over GET (405, with `allow`). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The `accept` header allows neither application/graphql-response+json nor application/json (406). */
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
  /** A POST body that is not `content-type: application/json` (415). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
} as const

/** A deliberate, client-facing error raised by a resolver. */
export class PlatformError extends GraphQLError {
  constructor(code: PlatformErrorCode, message?: string, extra: Record<string, unknown> = {}) {
    super(message ?? PLATFORM_ERROR_CODES[code], { extensions: { ...extra, code } })
    this.name = 'PlatformError'
  }
}

export function platformError(code: PlatformErrorCode, extra: Record<string, unknown> = {}, message?: string): PlatformError {
  return new PlatformError(code, message, extra)
}
