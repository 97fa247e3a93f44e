/**
 * The stored form of a session: versioned JSON, so a future SDK can migrate what an older one
 * wrote. Anything that does not decode is "corrupt" and the caller treats it as signed out.
 */
import type { SessionUser, TokenSet } from './adapter'
import { badResponse } from './errors'
import type { StoredSession } from './session'

export const SESSION_VERSION = 1

/** Returned for unreadable data (bad JSON, wrong shape, unknown version). */
export const CORRUPT = 'corrupt'

export function encodeSession(session: StoredSession): string {
  return JSON.stringify({ v: SESSION_VERSION, tokens: session.tokens, user: session.user })
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const isNullable = (value: unknown, type: string): boolean => value == null || (typeof value === type && (type === 'string' || isFinite(value as number)))

/** What each TokenSet member must be: `accessToken` a non-empty string, the others may also be null or left out. */
const TOKEN_TYPES = { accessToken: 'string', refreshToken: 'string', expiresAt: 'number', refreshExpiresAt: 'number', issuedAt: 'number' }

/**
 * The first rule `tokens` breaks, as `<member> <rule>` (never the value found), or '' for a
 * TokenSet. Shared by storage (a stored session) and adapters' answers (`checkTokens`).
 */
function tokenProblem(tokens: unknown): string {
  for (const [key, type] of Object.entries(TOKEN_TYPES)) {
    // Object(): a primitive (or null) has no members, so it reads as `accessToken is missing`.
    const value = Object(tokens)[key]
    const required = key === 'accessToken'
    if (required ? !value || typeof value !== type : !isNullable(value, type)) {
      return `${key} ${value == null ? 'is missing' : `must be a ${required ? 'non-empty string' : type + ' or null'}`}`
    }
  }
  return ''
}

/**
 * What an adapter returned, checked before it is committed: a 200 with a malformed body must
 * not become a session that holds no usable token. Rejects with `bad_response` (retryable),
 * its message naming the member and the rule it broke.
 */
export function checkTokens(tokens: unknown): TokenSet {
  const problem = tokenProblem(tokens)
  if (problem) throw badResponse(problem)
  return tokens as TokenSet
}

export function decodeSession(raw: string | null): StoredSession | null | typeof CORRUPT {
  if (raw === null) return null
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return CORRUPT
  }
  if (!isObject(data) || data['v'] !== SESSION_VERSION) return CORRUPT
  const { tokens, user } = data
  if (tokenProblem(tokens) || !isObject(user) || !isNullable(user['id'], 'string')) return CORRUPT
  const set = tokens as TokenSet
  return {
    tokens: { ...set, refreshToken: set.refreshToken ?? null, expiresAt: set.expiresAt ?? null },
    user: { ...(user as unknown as SessionUser), id: (user['id'] as string | null | undefined) ?? null },
  }
}
