/**
 * A wrong `x-otp` code says how many wrong codes may still follow (`attemptsLeft`, as platform's
 * `INVALID_CODE` does): the authenticator's before it locks, a delivered code's before it dies.
 * Through the SDK the step-up's `invalid_code` error carries it.
 */
import { describe, expect, it } from 'vitest'
import { DEMO_TOTP_SECRET } from '../../../mocks'
import { AuthClient, AuthError, memoryStorage } from '../../../src/index'
import { createOtpClient, otpApi } from '../../../src/otp'
import { BASE, CAROL, DEMO_PASSWORD, otpLogin, rest, useSecurityMock, wrongCode } from '../../security/support'
import { totp } from '../../support/totp'

const { mock } = useSecurityMock()
const wrongTotp = () => wrongCode(totp(DEMO_TOTP_SECRET, mock.clock.now()))

describe('otp_invalid carries attemptsLeft', () => {
  it('counts down the TOTP lock window, then the factor locks (429)', async () => {
    const { max } = mock.config().limits.totpFailures
    const { idToken } = await otpLogin(CAROL.email)
    for (let left = max - 1; left >= 0; left--) {
      const reply = await rest('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: wrongTotp() })
      expect(reply).toMatchObject({ status: 401, body: { code: 'otp_invalid', attemptsLeft: left } })
    }
    expect((await rest('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: wrongTotp() })).status).toBe(429)
  })

  it("counts down a delivered code's attempts", async () => {
    const { idToken } = await otpLogin('alice@example.com')
    expect((await rest('POST', '/auth/otp/methods/totp', { token: idToken })).status).toBe(200) // a pending secret
    expect((await rest('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
    const code = mock.outbox.latest({ to: 'alice@example.com', purpose: 'otp.code' })?.code
    const reply = await rest('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: wrongCode(code) })
    expect(reply).toMatchObject({ status: 401, body: { code: 'otp_invalid', attemptsLeft: mock.config().otp.codeMaxAttempts - 1 } })
  })

  it('reaches the SDK: a wrong step-up code rejects with invalid_code and attemptsLeft', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: otpApi(), storage: memoryStorage() })
    const otp = createOtpClient(auth)
    const errors: unknown[] = []
    auth.on('challenge', async ({ challenge }) => {
      await challenge.verify(wrongTotp()).catch((error: unknown) => errors.push(error))
      challenge.cancel()
    })
    await auth.signIn({ email: CAROL.email, password: DEMO_PASSWORD })
    await expect(otp.DELETE('/auth/otp/methods/totp')).rejects.toMatchObject({ code: 'challenge_cancelled' })
    const [error] = errors
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'invalid_code', attemptsLeft: mock.config().limits.totpFailures.max - 1 })
    auth.dispose()
  })
})
