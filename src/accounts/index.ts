export {
  ACCOUNTS_GRAPHQL_PATH,
  ACCOUNTS_RELAY_GRAPHQL_PATH,
  createAccountsClient,
  createAccountsRelayClient,
} from './client'
export { accountsApi, type AccountsAdapter, type AccountsApiOptions, type ChangePasswordInput } from './adapter'
export {
  archiveAccount,
  changePassword,
  deleteAccount,
  register,
  removeSecondaryEmail,
  resendActivationEmail,
  resetPassword,
  sendPasswordResetEmail,
  sendSecondaryEmailActivation,
  setPassword,
  swapEmails,
  updateAccount,
  verifyAccount,
  verifySecondaryEmail,
} from './flows'
export type { TypedGraphQLClient } from '../transport/graphql-client'
export type { ClientOptions } from '../core/types'
export * from '../generated/accounts/graphql'
/** The relay flavour's documents and types (its type names overlap the classic ones). */
export * as relay from '../generated/accounts-relay/graphql'
