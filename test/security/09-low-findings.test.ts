/**
 * Point 9 (low): unlimited SMS sends to arbitrary numbers (each also resetting that code's
 * attempts), `register` revealing whether an email exists without any limit, and an expired
 * `confirmPasswordReset` telling real accounts from unknown ones. (The body that never finishes is
 * in 06-control-api.test.ts, against the standalone server.)
 */
import { describe, expect, it } from 'vitest'
import { ALICE, codes, gql, otpLogin, rest, useSecurityMock } from './support'

const { mock } = useSecurityMock()

describe('low-severity findings (point 9)', () => {
  it('SMS sends to arbitrary numbers stop with 429 and Retry-After; the attempts do not come back', async () => {
    const { idToken } = await otpLogin(ALICE.email)
    const statuses: number[] = []
    let limited: Awaited<ReturnType<typeof rest>> | undefined
    for (let i = 0; i < 100; i++) {
      const reply = await rest('POST', '/auth/otp/methods/sms', { token: idToken, json: { phone: `6123456${String(i).padStart(2, '0')}`, country: 'ES' } })
      statuses.push(reply.status)
      if (reply.status === 429) limited ??= reply
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10)
    expect(limited?.body).toMatchObject({ code: 'otp_attempts_exhausted' })
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(mock.outbox.list({ channel: 'sms' }).length).toBeLessThanOrEqual(10)
    // One number cannot be flooded from many accounts either (per-destination limit).
    expect(mock.config().limits.codeSends.perDestination.max).toBeLessThanOrEqual(10)
  })

  it('register cannot be used to test addresses without limit', async () => {
    const register = (email: string) =>
      gql(`mutation { register(input: { email: "${email}", password: "long-enough-password", firstName: "A", lastName: "B" }) { status } }`)
    const answers: unknown[] = []
    for (let i = 0; i < 60; i++) answers.push(...codes(await register(i % 2 ? ALICE.email : `probe-${i}@example.com`)))
    const limited = answers.filter((code) => code === 'RATE_LIMITED').length
    expect(limited).toBeGreaterThanOrEqual(40) // after 20 attempts from this client within the hour
    expect(answers.filter((code) => code === 'EMAIL_IN_USE').length).toBeLessThanOrEqual(10)
  })

  it('an expired reset code answers the same for a real account and an unknown address', async () => {
    const guess = (email: string) =>
      gql(`mutation { confirmPasswordReset(passwordResetParams: { email: "${email}", code: "999999", newPassword: "another-long-password" }) { status } }`)
    for (const email of [ALICE.email, 'ghost@example.com']) await gql(`mutation { forgotPassword(email: "${email}") { status } }`)
    mock.clock.advance(2 * 60 * 60 * 1000)
    expect(codes(await guess(ALICE.email))).toEqual(['CODE_EXPIRED'])
    expect(codes(await guess('ghost@example.com'))).toEqual(['CODE_EXPIRED'])
  })
})
