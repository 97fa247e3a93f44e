/**
 * The resolver map of the platform surface: the 14 mutations and `userProfile`, on top of the
 * shared backend state (users, codes, outbox, tokens, clock, config). Surface-private bookkeeping
 * lives in `state.scratch` (scratch.ts), so `POST /__mock/reset` clears it.
 *
 * The backend publishes none of the choices the mock makes; each is documented where it is made:
 * result shapes and `status` in results.ts, codes (format, lifetime, attempts) in codes.ts, the
 * `sessionId` of a pending login in login.ts and of a finished one in sessions.ts, session
 * revocation on password change/reset in password.ts, accepted access tokens in context.ts.
 */
import type { Resolver } from './context'
import { confirm2Fa, login, resend2Fa } from './login'
import {
  changePassword,
  confirmChangePassword2Fa,
  confirmPasswordReset,
  forgotPassword,
  resendChangePassword2Fa,
} from './password'
import { register, userProfile } from './profile'
import { logout, newToken } from './tokens'
import { disable2Fa, enable2Fa, send2Fa } from './two-factor'

export const queryResolvers: Record<string, Resolver> = { userProfile }

export const mutationResolvers: Record<string, Resolver> = {
  changePassword,
  confirm2Fa,
  confirmChangePassword2Fa,
  confirmPasswordReset,
  disable2Fa,
  enable2Fa,
  forgotPassword,
  login,
  logout,
  newToken,
  register,
  resend2Fa,
  resendChangePassword2Fa,
  send2Fa,
}
