import { afterEach, describe, expect, it, vi } from 'vitest'
import { claimMs, readClaims } from '../../../src/transport/jwt-claims'

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
const jwt = (payload: object | string) => `${b64url('{"alg":"ES256"}')}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}.sig`

afterEach(() => vi.unstubAllGlobals())

describe('readClaims (unverified: only to plan refreshes)', () => {
  it('reads the payload, base64url and UTF-8 included', () => {
    // `ü` and `€` are multi-byte; `>>?` makes base64url use `-` and `_`.
    const claims = { sub: 'jürgen-€', exp: 2_000_000_000, iat: 1_999_996_400, note: '>>?>>?' }
    expect(readClaims(jwt(claims))).toEqual(claims)
    expect(b64url(JSON.stringify(claims))).toMatch(/[-_]/)
  })

  it('works without TextDecoder (React Native Hermes)', () => {
    vi.stubGlobal('TextDecoder', undefined)
    expect(readClaims(jwt({ sub: 'jürgen', exp: 1 }))).toEqual({ sub: 'jürgen', exp: 1 })
  })

  it.each(['', 'abc', 'a.b.c', jwt('"just a string"'), jwt('null'), jwt('{"exp": 1')])('is null for %j, never a throw', (token) => {
    expect(readClaims(token)).toBeNull()
  })

  it('claimMs turns a NumericDate into ms', () => {
    expect(claimMs(1_700_000_000)).toBe(1_700_000_000_000)
    expect(claimMs('1700000000')).toBeNull()
    expect(claimMs(undefined)).toBeNull()
  })
})
