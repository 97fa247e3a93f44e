/** Turning a verified record into the account it proves (sign-in and forgot-password). */
import type { BackendState, User } from '../../state/types'
import { fail } from './errors'
import type { ExperienceData } from './interaction'
import type { VerificationRecord } from './records'

export function findUserByIdentifier(state: BackendState, type: 'username' | 'email' | 'phone', value: string): User | undefined {
  if (type === 'username') return state.users.findByUsername(value)
  if (type === 'email') return state.users.findByEmail(value)
  return state.users.findByPhone(value)
}

/** A suspended or deactivated account may not sign in: 401 `user.suspended`. */
export function assertActive(user: User): void {
  if (user.suspended || !user.isActive) fail(401, 'user.suspended')
}

function userWithIdentity(state: BackendState, connectorId: string, externalId: string): User | undefined {
  return state.users.findByIdentity(connectorId, externalId)
}

/**
 * The account a verified record points at. A social record whose identity is not linked yet may
 * link by email when `link` is set (and SSO always links by email, as Logto's SSO does); the link
 * is staged on the pending profile and written at submit.
 */
export function userFromRecord(state: BackendState, experience: ExperienceData, record: VerificationRecord, link: boolean): User {
  if (!record.verified) fail(400, 'session.verification_failed')
  switch (record.type) {
    case 'Password': {
      const user = state.users.get(record.userId)
      return user ?? fail(400, 'session.verification_failed')
    }
    case 'EmailVerificationCode':
    case 'PhoneVerificationCode': {
      const { type, value } = record.identifier
      const user = findUserByIdentifier(state, type, value)
      return user ?? fail(404, 'user.user_not_exist', { data: { identifier: value }, interpolation: { identifier: value } })
    }
    case 'Social':
    case 'EnterpriseSso': {
      const identity = record.identity ?? fail(400, 'session.verification_failed')
      const linked = userWithIdentity(state, record.connectorId, identity.id)
      if (linked) return linked
      const byEmail = identity.email ? state.users.findByEmail(identity.email) : undefined
      if (byEmail && (link || record.type === 'EnterpriseSso')) {
        experience.profile.identity = { connectorId: record.connectorId, id: identity.id }
        return byEmail
      }
      return fail(404, 'user.identity_not_exist')
    }
    default:
      return fail(400, 'session.verification_failed')
  }
}
