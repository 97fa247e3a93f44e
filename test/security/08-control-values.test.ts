/**
 * Point 8: out-of-range control values broke the server (`POST /__mock/clock {now: 8.64e15}` or
 * `otp.codeTtlSeconds: 9e12` made later calls answer 500). Times, durations and counts are now
 * range-checked: 400, nothing stored, and the backend keeps answering 2xx/4xx.
 */
import { describe, expect, it } from 'vitest'
import { ALICE, BASE, codes, gql, otpLogin, platformLogin, rest, useSecurityMock } from './support'

const { mock } = useSecurityMock()

const control = (method: string, path: string, body: unknown) =>
  fetch(`${BASE}/__mock${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('control values are range-checked (point 8)', () => {
  it('out-of-range times, durations and counts answer 400 and change nothing', async () => {
    const clockBefore = mock.clock.now()
    const configBefore = structuredClone(mock.config())
    const bad: Array<[string, string, unknown]> = [
      ['POST', '/clock', { now: 8.64e15 }],
      ['POST', '/clock', { now: 253402300800000 }],
      ['POST', '/clock', { now: -1 }],
      ['POST', '/clock', { now: '+275760-09-13T00:00:00.000Z' }],
      ['POST', '/clock', { advanceMs: 8e15 }],
      ['PUT', '/config', { otp: { codeTtlSeconds: 9e12 } }],
      ['PUT', '/config', { platform: { accessTokenTtlSeconds: 1e10 } }],
      ['PUT', '/config', { platform: { twoFactorMaxAttempts: 1e7 } }],
      ['PUT', '/config', { otp: { codeRequestWindowSeconds: 0 } }],
      ['PUT', '/config', { password: { minLength: 1e6 } }],
      ['PUT', '/config', { limits: { passwordFailures: { perAccount: { max: -5, windowSeconds: 60 } } } }],
      ['PUT', '/config', { limits: { totpFailures: { lockSeconds: 1e12 } } }],
      ['POST', '/faults', { path: '/auth/login', delayMs: 1e12 }],
      ['POST', '/faults', { path: '/auth/login', times: 1e9 }],
    ]
    for (const [method, path, body] of bad) {
      const reply = await control(method, path, body)
      expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
    }
    expect(mock.clock.now()).toBe(clockBefore)
    expect(mock.config()).toEqual(configBefore)
    expect(mock.faults.list()).toEqual([])
  })

  it('the extremes that are allowed keep every surface answering 2xx/4xx', async () => {
    expect((await control('PUT', '/config', { otp: { codeTtlSeconds: 315_360_000, accessTokenTtlSeconds: 315_360_000 }, platform: { accessTokenTtlSeconds: 315_360_000 } })).status).toBe(200)
    expect((await control('POST', '/clock', { now: Date.UTC(9999, 11, 31) })).status).toBe(200)
    const { idToken } = await otpLogin(ALICE.email)
    expect((await rest('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
    expect((await platformLogin(ALICE.email)).token).toMatch(/^ey/)
    expect((await control('POST', '/clock', { now: 0 })).status).toBe(200)
    expect(codes(await gql('mutation{forgotPassword(email:"alice@example.com"){status}}'))).toEqual([])
    expect(mock.requests.list().every((entry) => entry.status < 500)).toBe(true)
  })
})
