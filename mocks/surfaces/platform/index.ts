/**
 * The platform surface: a GraphQL-over-HTTP server at `/api/graphql` executing the project's
 * platform SDL (login with emailed 2FA codes, token refresh, password change/reset, 2FA on/off).
 */
import type { Surface } from '../../state/types'
import { handlePlatformRequest } from './http'

export const PLATFORM_PATH = '/api/graphql'

export const platformSurface: Surface = {
  name: 'platform',
  owns: (url) => url.pathname === PLATFORM_PATH,
  handle: handlePlatformRequest,
}

export { PLATFORM_ERROR_CODES, REQUEST_ERROR_CODES, type PlatformErrorCode } from './errors'
export { PLATFORM_MAX_BODY_BYTES, PLATFORM_MAX_TOKENS, PLATFORM_SENSITIVE_FIELDS } from './http'
export { PLATFORM_PURPOSES } from './resolvers/codes'
export { PLATFORM_STATUS_OK } from './resolvers/results'
export { platformSchema } from './schema'
