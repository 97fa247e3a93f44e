/**
 * The otp surface: the REST API of `schema/openapi/otp.yaml` at `/auth/*`.
 *
 * Every request goes through the same pipeline, in the order a typical server would apply it:
 * 1. route by method + path from the spec (unknown path → 404, known path with another method → 405);
 * 2. body read under the 1 MiB limit (→ 413 `payload_too_large`) and parsed when JSON
 *    (malformed → 400 `validation_error`);
 * 3. bearer auth, unless the operation's security is optional (login, refresh): missing, invalid,
 *    expired or revoked token → 401 `unauthenticated`; an account that is not ACTIVE → 403;
 * 4. body, query and header validation against the spec (→ 400 `validation_error` with `details`);
 * 5. the operation itself. An unexpected exception → 500 `internal_error`, never a stack trace.
 */
import { reportError } from '../../redact'
import type { RequestContext, SessionRecord, Surface, User } from '../../state/types'
import { readRequestBody } from '../../validation'
import { errorResponse, OTP_MESSAGES, validationError } from './errors'
import { otpHandlers } from './handlers'
import { effectiveStatus } from './security'
import { otpValidator } from './validator'

export const OTP_PATH_PREFIX = '/auth/'

const REALM = 'Bearer realm="portcullis"'

function unauthenticated(reason: 'missing' | 'invalid' | 'expired' | 'revoked'): Response {
  const message = {
    missing: OTP_MESSAGES.unauthenticatedMissing,
    invalid: OTP_MESSAGES.unauthenticatedInvalid,
    expired: OTP_MESSAGES.unauthenticatedExpired,
    revoked: OTP_MESSAGES.unauthenticatedRevoked,
  }[reason]
  // RFC 6750 §3: no error attribute when no token was sent at all.
  const challenge = reason === 'missing' ? REALM : `${REALM}, error="invalid_token", error_description="${message}"`
  return errorResponse(401, 'unauthenticated', message, { headers: { 'www-authenticate': challenge } })
}

async function authenticate(context: RequestContext): Promise<{ user: User; session: SessionRecord } | Response> {
  const header = context.headers.get('authorization')
  const match = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null
  if (!match) return unauthenticated(header ? 'invalid' : 'missing')
  // Tokens of the other surfaces are signed by the same service but carry another audience.
  const verified = await context.state.tokens.verifyAccessToken(match[1]!, 'otp')
  if (!verified.ok) return unauthenticated(verified.reason)
  const user = context.state.users.get(verified.claims.sub)
  if (!user) return unauthenticated('revoked')
  if (effectiveStatus(user) !== 'ACTIVE') return errorResponse(403, 'authentication_error', OTP_MESSAGES.authenticationError)
  return { user, session: verified.session }
}

export async function handleOtpRequest(context: RequestContext): Promise<Response> {
  try {
    const { url } = context
    const route = otpValidator.match(context.method, url.pathname)
    if (route.kind === 'not_found') return errorResponse(404, null, OTP_MESSAGES.notFound)
    if (route.kind === 'method_not_allowed') {
      return errorResponse(405, null, OTP_MESSAGES.methodNotSupported, { headers: { allow: route.allow.join(', ') } })
    }
    const operation = route.operation

    const body = await readRequestBody(context, operation)
    if (!body.ok) {
      if (body.status === 413) return errorResponse(413, 'payload_too_large', OTP_MESSAGES.payloadTooLarge)
      return validationError(body.issues)
    }

    let principal: { user: User; session: SessionRecord } | null = null
    if (!operation.security.optional) {
      const auth = await authenticate(context)
      if (auth instanceof Response) return auth
      principal = auth
    }

    const input = otpValidator.validateRequest(operation, {
      body: body.body,
      query: url.searchParams,
      headers: context.headers,
      pathParams: route.pathParams,
    })
    if (!input.ok) return validationError(input.issues)

    const handler = otpHandlers[operation.operationId]
    if (!handler) return errorResponse(500, 'internal_error', OTP_MESSAGES.internalError)
    return await handler({ context, state: context.state, input, principal })
  } catch (error) {
    // A bug in the mock, not a client mistake: reported (redacted) through the backend's onError.
    reportError(context, error, 'otp')
    return errorResponse(500, 'internal_error', OTP_MESSAGES.internalError)
  }
}

export const otpSurface: Surface = {
  name: 'otp',
  owns: (url) => url.pathname.startsWith(OTP_PATH_PREFIX),
  handle: handleOtpRequest,
}

export { otpValidator, OTP_SPEC_ID } from './validator'
export { OTP_MESSAGES } from './errors'
export { OTP_PURPOSES, otpCodeKeys, otpCodeRequestLimitKey } from './handlers'
export { CALLING_CODES, maskPhone, toE164 } from './phone'
export { effectiveStatus, maskEmail, toUserSecurity } from './security'
export { isValidTotp, newTotpSecret, TOTP_ISSUER, TOTP_PARAMS, totpUri } from './totp'
