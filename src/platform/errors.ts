import type { GraphQLErrorKinds } from '../transport/graphql-errors'

/** The platform backend's deliberate error codes and what a caller does about them. */
export const PLATFORM_ERROR_KINDS: GraphQLErrorKinds = {
  UNAUTHENTICATED: 'auth',
  INVALID_CREDENTIALS: 'auth',
  ACCOUNT_DISABLED: 'auth',
  INVALID_REFRESH_TOKEN: 'auth',
  REFRESH_TOKEN_REUSED: 'auth',
  INVALID_CODE: 'challenge',
  CODE_EXPIRED: 'challenge',
  CODE_ATTEMPTS_EXHAUSTED: 'challenge',
  INVALID_SESSION: 'challenge',
  NO_PENDING_CHALLENGE: 'challenge',
  WEAK_PASSWORD: 'validation',
  BAD_USER_INPUT: 'validation',
  EMAIL_IN_USE: 'validation',
  USERNAME_IN_USE: 'validation',
  RATE_LIMITED: 'rate_limit',
  EMAIL_DELIVERY_FAILED: 'server',
  INTERNAL_SERVER_ERROR: 'server',
}
