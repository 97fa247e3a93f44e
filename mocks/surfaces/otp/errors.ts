import type { components } from '../../../src/generated/otp/openapi'
import { json } from '../../control/json'
import type { ValidationIssue } from '../../validation'

export type ErrorBody = components['schemas']['ErrorBody']
export type ErrorCode = components['schemas']['ErrorCode']

/** The fixed texts of `schema/openapi/otp.yaml` (`x-error-messages`), plus the unpublished ones Portcullis chose. */
export const OTP_MESSAGES = {
  authenticationError: 'Authentication error',
  invalidRefreshToken: 'Invalid refresh token',
  smsAlreadyAdded: 'The user already has a valid SMS phone added.',
  totpAlreadyConfigured: 'The TOTP secret is already configured',
  totpNotConfigured: "User doesn't have a secret configured",
  otpNotValid: 'OTP is not valid',
  methodNotAllowed: 'The MFA method is not allowed to be used',
  attemptsExhausted: 'The user has exhausted its available attempts and must wait before requesting another',
  smsAlreadyConfigured: 'SMS is already configured',
  internalError: 'Internal error',
  payloadTooLarge: 'Request body too large',
  rateLimited: 'Too many attempts. Try again later.',
  // Not published upstream (Portcullis wording):
  validationFailed: 'Request validation failed',
  phoneNotConfigured: "User doesn't have a phone configured",
  unauthenticatedMissing: 'Authentication required',
  unauthenticatedInvalid: 'Invalid access token',
  unauthenticatedExpired: 'Access token expired',
  unauthenticatedRevoked: 'Access token revoked',
  notFound: 'Not found',
  methodNotSupported: 'Method not allowed',
} as const

export function errorResponse(
  status: number,
  code: ErrorCode | null,
  message: string,
  options: { headers?: Record<string, string>; details?: ValidationIssue[]; attemptsLeft?: number } = {},
): Response {
  const body: ErrorBody = {
    message,
    ...(code ? { code } : {}),
    ...(options.details ? { details: options.details } : {}),
    ...(options.attemptsLeft !== undefined ? { attemptsLeft: options.attemptsLeft } : {}),
  }
  return json(body, status, options.headers)
}

/** 429 with `Retry-After` in whole seconds (at least 1). */
export function tooManyRequests(code: 'rate_limited' | 'otp_attempts_exhausted', retryAfterMs: number): Response {
  const message = code === 'rate_limited' ? OTP_MESSAGES.rateLimited : OTP_MESSAGES.attemptsExhausted
  return errorResponse(429, code, message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } })
}

export function validationError(issues: ValidationIssue[]): Response {
  return errorResponse(400, 'validation_error', OTP_MESSAGES.validationFailed, { details: issues })
}
