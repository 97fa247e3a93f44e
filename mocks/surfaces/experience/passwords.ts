import type { BackendState } from '../../state/types'
import { fail } from './errors'

/** Longest password accepted (Logto's limit). */
export const PASSWORD_MAX_LENGTH = 256

/** 422 `password.rejected` with the list of issues when `password` breaks the policy. */
export function assertPasswordPolicy(state: BackendState, password: string): void {
  const min = state.config.password.minLength
  const issues: Array<{ code: string; interpolation?: Record<string, unknown> }> = []
  if ([...password].length < min) issues.push({ code: 'password_rejected.too_short', interpolation: { min } })
  if ([...password].length > PASSWORD_MAX_LENGTH) issues.push({ code: 'password_rejected.too_long', interpolation: { max: PASSWORD_MAX_LENGTH } })
  if (issues.length > 0) fail(422, 'password.rejected', { data: issues })
}
