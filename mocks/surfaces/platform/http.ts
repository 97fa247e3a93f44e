/** The platform surface over GraphQL-over-HTTP (the shared transport rules are in ../graphql-http.ts). */
import type { RequestContext } from '../../state/types'
import { serveGraphQL } from '../graphql-http'
import { createPlatformContext } from './resolvers/context'
import { platformSchema } from './schema'

export { GRAPHQL_MAX_BODY_BYTES as PLATFORM_MAX_BODY_BYTES, GRAPHQL_MAX_TOKENS as PLATFORM_MAX_TOKENS } from '../graphql-http'

/**
 * Root fields that check a password or a code, send a code or create an account. A request may
 * carry at most `limits.sensitiveFieldsPerRequest` of them (aliases and fragments included), and
 * each one that runs is also counted by the throttles, one attempt per field.
 */
export const PLATFORM_SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'login',
  'confirm2Fa',
  'resend2Fa',
  'send2Fa',
  'forgotPassword',
  'confirmPasswordReset',
  'changePassword',
  'confirmChangePassword2Fa',
  'resendChangePassword2Fa',
  'register',
  'enable2Fa',
  'disable2Fa',
])

export function handlePlatformRequest(ctx: RequestContext): Promise<Response> {
  return serveGraphQL(ctx, {
    surface: 'platform',
    schema: platformSchema(),
    context: createPlatformContext(ctx) as unknown as Record<string, unknown>,
    sensitiveFields: PLATFORM_SENSITIVE_FIELDS,
  })
}
