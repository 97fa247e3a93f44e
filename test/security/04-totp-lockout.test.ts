/**
 * Point 4: `x-otp` TOTP codes had no attempt limit (1,000 wrong codes, then the right one removed
 * the authenticator). RFC 6238 §5.2: the verifier must limit attempts. Five wrong codes in 15
 * minutes now lock the factor for 15 minutes; while locked even the right code is refused (429).
 */
import { describe, expect, it } from 'vitest'
import { DEMO_TOTP_SECRET } from '../../mocks'
import { totp } from '../support/totp'
import { CAROL, otpLogin, rest, useSecurityMock, wrongCode } from './support'

const { mock } = useSecurityMock()

const remove = (token: string, otp: string) => rest('DELETE', '/auth/otp/methods/totp', { token, otp })

describe('x-otp TOTP lockout (point 4)', () => {
  it('at most 20 wrong codes before the lock; locked, the right code is refused with Retry-After', async () => {
    const { idToken } = await otpLogin(CAROL.email)
    const right = () => totp(DEMO_TOTP_SECRET, mock.clock.now())
    let wrongAccepted = 0
    let locked: Awaited<ReturnType<typeof rest>> | undefined
    for (let i = 0; i < 1000; i++) {
      const reply = await remove(idToken, wrongCode(right()))
      if (reply.status === 429) {
        locked = reply
        break
      }
      expect(reply).toMatchObject({ status: 401, body: { code: 'otp_invalid' } })
      wrongAccepted++
    }
    expect(wrongAccepted).toBeLessThanOrEqual(20)
    expect(locked?.body).toMatchObject({ code: 'otp_attempts_exhausted' })
    expect(Number(locked?.headers.get('retry-after'))).toBeGreaterThan(0)

    const refused = await remove(idToken, right())
    expect(refused.status).toBe(429)
    expect(mock.users.findByEmail(CAROL.email)?.totpSecret).not.toBeNull()

    // The lock ends on the mock clock; then the owner's code works.
    mock.clock.advance(Number(refused.headers.get('retry-after')) * 1000)
    const { idToken: fresh } = await otpLogin(CAROL.email)
    expect((await remove(fresh, right())).status).toBe(200)
    expect(mock.users.findByEmail(CAROL.email)?.totpSecret).toBeNull()
  })
})
