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
const isNullable = (value: unknown, type: 'string' | 'number'): boolean => value == null || (typeof value === type && (type === 'string' || Number.isFinite(value)))

/** The shape rules for tokens, shared by storage (a stored session) and adapters' answers (`checkTokens`). */
const isTokenSet = (tokens: unknown): tokens is TokenSet =>
  isObject(tokens) &&
  typeof tokens['accessToken'] === 'string' &&
  !!tokens['accessToken'] &&
  isNullable(tokens['refreshToken'], 'string') &&
  isNullable(tokens['expiresAt'], 'number') &&
  isNullable(tokens['refreshExpiresAt'], 'number') &&
  isNullable(tokens['issuedAt'], 'number')

/**
 * What an adapter returned, checked before it is committed: a 200 with a malformed body must
 * not become a session that holds no usable token. Rejects with `bad_response` (retryable).
 */
export function checkTokens(tokens: unknown): TokenSet {
  if (isTokenSet(tokens)) return tokens
  throw badResponse()
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
  if (!isTokenSet(tokens) || !isObject(user) || !isNullable(user['id'], 'string')) return CORRUPT
  return {
    tokens: { ...tokens, refreshToken: tokens.refreshToken ?? null, expiresAt: tokens.expiresAt ?? null },
    user: { ...(user as unknown as SessionUser), id: (user['id'] as string | null | undefined) ?? null },
  }
}
