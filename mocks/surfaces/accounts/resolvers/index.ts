/**
 * The resolver map of the accounts surface: 3 queries and 18 mutations, each written once. The
 * classic and relay schemas (../schema.ts) both run these; only how arguments arrive differs.
 */
import { archiveAccount, deleteAccount, updateAccount } from './account'
import { passwordChange, passwordReset, passwordSet, sendPasswordResetEmail } from './passwords'
import { me, user, users } from './queries'
import { register, resendActivationEmail, verifyAccount } from './registration'
import { removeSecondaryEmail, sendSecondaryEmailActivation, swapEmails, verifySecondaryEmail } from './secondary-email'
import { refreshToken, revokeToken, tokenAuth, verifyToken } from './tokens'
import type { MutationImpl, QueryImpl } from './types'

export const queries: Record<string, QueryImpl> = { me, user, users }

export const mutations: Record<string, MutationImpl> = {
  archiveAccount,
  deleteAccount,
  passwordChange,
  passwordReset,
  passwordSet,
  refreshToken,
  register,
  removeSecondaryEmail,
  resendActivationEmail,
  revokeToken,
  sendPasswordResetEmail,
  sendSecondaryEmailActivation,
  swapEmails,
  tokenAuth,
  updateAccount,
  verifyAccount,
  verifySecondaryEmail,
  verifyToken,
}

export type { MutationImpl, QueryImpl } from './types'
