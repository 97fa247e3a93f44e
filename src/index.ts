export { AuthError, type AuthErrorDetails, type AuthErrorKind, type AuthErrorOptions } from './core/errors'
export type { ClientOptions, FetchLike } from './core/types'
