/** Password checks shared by the resolvers: the password policy and the current-password check. */
import type { BackendState, User } from '../../../state/types'
import { platformError } from '../errors'
import type { PlatformContext } from './context'
import { passwordMatches } from './throttle'

export function requirePasswordPolicy(state: BackendState, password: string, field: string): void {
  const minLength = state.config.password.minLength
  if (password.length < minLength) {
    throw platformError(
      'WEAK_PASSWORD',
      { field, minLength },
      `The password must be at least ${minLength} characters long.`,
    )
  }
}

/** Throws INVALID_CREDENTIALS (naming `field`) unless `password` is the user's current password. */
export async function requireCurrentPassword(
  ctx: PlatformContext,
  user: User,
  password: string,
  field: string,
  message: string,
): Promise<void> {
  if (!(await passwordMatches(ctx, user.id, user, password))) throw platformError('INVALID_CREDENTIALS', { field }, message)
}
