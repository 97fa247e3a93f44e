import { describe, expect, it } from 'vitest'
import { CORRUPT, SESSION_VERSION, decodeSession, encodeSession } from '../../../src/core/session-codec'
import type { StoredSession } from '../../../src/core/session'

const session: StoredSession = {
  tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: 1000, issuedAt: 0 },
  user: { id: 'u', email: 'e@example.com' },
}

describe('session codec', () => {
  it('round-trips a session as versioned JSON', () => {
    const raw = encodeSession(session)
    expect(JSON.parse(raw)).toMatchObject({ v: SESSION_VERSION, tokens: session.tokens, user: session.user })
    expect(decodeSession(raw)).toEqual(session)
  })

  it('reads nothing as signed out', () => {
    expect(decodeSession(null)).toBeNull()
  })

  it('fills optional fields an older writer may have left out', () => {
    expect(decodeSession(JSON.stringify({ v: 1, tokens: { accessToken: 'a' }, user: {} }))).toEqual({
      tokens: { accessToken: 'a', refreshToken: null, expiresAt: null },
      user: { id: null },
    })
  })

  it.each([
    ['not JSON', '{nope'],
    ['a JSON string', '"hello"'],
    ['no version', JSON.stringify({ tokens: session.tokens, user: session.user })],
    ['a future version', JSON.stringify({ v: 2, tokens: session.tokens, user: session.user })],
    ['version 0', JSON.stringify({ v: 0, tokens: session.tokens, user: session.user })],
    ['no tokens', JSON.stringify({ v: 1, user: session.user })],
    ['an empty access token', JSON.stringify({ v: 1, tokens: { ...session.tokens, accessToken: '' }, user: session.user })],
    ['a numeric refresh token', JSON.stringify({ v: 1, tokens: { ...session.tokens, refreshToken: 5 }, user: session.user })],
    ['a string expiry', JSON.stringify({ v: 1, tokens: { ...session.tokens, expiresAt: 'soon' }, user: session.user })],
    ['a numeric user id', JSON.stringify({ v: 1, tokens: session.tokens, user: { id: 7 } })],
    ['no user', JSON.stringify({ v: 1, tokens: session.tokens })],
  ])('treats %s as corrupt', (_label, raw) => {
    expect(decodeSession(raw)).toBe(CORRUPT)
  })
})
