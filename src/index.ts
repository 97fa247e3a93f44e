export {
  AuthClient,
  type AuthClientOptions,
  type AuthEvents,
  type InitialSession,
  type SignInResult,
  type SignOutReason,
  type SignOutResult,
} from './core/auth-client'
export type {
  AdapterContext,
  AdapterResult,
  AuthAdapter,
  ChallengeKind,
  ChallengeMethod,
  ChallengeState,
  CredentialsOf,
  SessionUser,
  SignInCredentials,
  TokenSet,
} from './core/adapter'
export type { AuthResult, Challenge, ChallengeAnswer, ChallengeResults, StepUpChallenge, StepUpResult } from './core/challenge'
export {
  AuthError,
  ChallengeRequiredError,
  type AuthErrorCode,
  type AuthErrorDetails,
  type AuthErrorKind,
  type AuthErrorOptions,
  type OAuthErrorCode,
} from './core/errors'
export type { Session } from './core/session'
export { memoryStorage, webStorage, type TokenStorage, type WebStorageLike } from './core/storage'
export type { ClientOptions, FetchLike } from './core/types'
export type { ContractIssue, TypedClientOptions } from './transport/contract'
export { appStateVisibility, type AppStateLike, type Visibility } from './core/visibility'
