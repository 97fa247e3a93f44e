/** A stored user as the accounts `UserNode`: relay `id` = base64("UserNode:<pk>"), ISO dates. */
import type { User } from '../../state/types'

export interface UserNodeShape {
  id: string
  pk: number
  username: string
  email: string
  firstName: string
  lastName: string
  isStaff: boolean
  isActive: boolean
  dateJoined: string
  lastLogin: string | null
  archived: boolean
  verified: boolean
  secondaryEmail: string | null
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

export const globalId = (pk: number): string => btoa(`UserNode:${pk}`)

/** The pk a relay id names, or undefined for anything else (so `user(id)` answers null). */
export function pkFromGlobalId(id: unknown): number | undefined {
  if (typeof id !== 'string' || id.length > 64) return undefined
  try {
    const match = /^UserNode:([1-9]\d{0,15})$/.exec(atob(id))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

export function userNode(user: User): UserNodeShape {
  return {
    id: globalId(user.pk),
    pk: user.pk,
    username: user.username ?? user.email ?? '',
    email: user.email ?? '',
    firstName: user.firstName,
    lastName: user.lastName,
    isStaff: user.isStaff,
    isActive: user.isActive,
    dateJoined: iso(user.createdAt)!,
    lastLogin: iso(user.lastLoginAt),
    archived: user.archived,
    verified: user.verified,
    secondaryEmail: user.secondaryEmail,
  }
}
