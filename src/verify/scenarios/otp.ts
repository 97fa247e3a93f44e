/** The otp REST API (`/auth/*`): every answer checked against its documented statuses and bodies. */
import { Secret, TOTP } from 'otpauth'
import { responses } from '../../generated/otp/zod'
import type { Scenario, ScenarioContext } from '../context'
import { checkedFetch, rest, StepFailed, type RestAnswer } from '../probe'

const api = (context: ScenarioContext) => {
  const fetchFn = checkedFetch(context.fetch, responses, context.findings)
  return (method: string, path: string, options: Parameters<typeof rest>[3] = {}) => rest(fetchFn, context.url(path), method, options)
}

/** Status and `code` as documented for this refusal. */
function expectError(context: ScenarioContext, operation: string, answer: RestAnswer, status: number, code: string): void {
  const got = answer.body?.['code']
  context.findings.expect(answer.status === status && got === code, operation, '$.code', `status ${answer.status} ${String(got ?? 'without a code')}, documented: ${status} ${code}`)
}

async function signIn(context: ScenarioContext): Promise<{ idToken: string; refreshToken: string }> {
  const account = await context.account()
  const answer = await api(context)('POST', '/auth/login', { json: { email: account.email, password: account.password } })
  const { idToken, refreshToken } = answer.body ?? {}
  if (answer.status !== 200 || typeof idToken !== 'string' || typeof refreshToken !== 'string') {
    context.findings.fail('POST /auth/login', '$', answer.status === 200 ? 'no token pair in a 200 answer' : `status ${answer.status}, expected 200`)
    throw new StepFailed('sign-in failed')
  }
  return { idToken, refreshToken }
}

/** A TOTP code for `secret` at the backend's time (the mock's clock may have been moved). */
async function totp(context: ScenarioContext, secret: string, offset = 0): Promise<string> {
  const now = context.mock ? await context.mock.now() : Date.now()
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: now + offset * 30_000 })
}

export const otpScenarios: Scenario[] = [
  {
    surface: 'otp',
    name: 'sign-in',
    async run(context) {
      await signIn(context)
    },
  },
  {
    surface: 'otp',
    name: 'refresh, rotation and reuse',
    async run(context) {
      const first = await signIn(context)
      const call = api(context)
      const rotated = await call('POST', '/auth/login/refresh', { json: { refreshToken: first.refreshToken } })
      context.findings.expect(rotated.status === 200 && typeof rotated.body?.['idToken'] === 'string', 'POST /auth/login/refresh', '$.idToken', `status ${rotated.status}, documented: 200 with an idToken`)
      expectError(context, 'POST /auth/login/refresh', await call('POST', '/auth/login/refresh', { json: { refreshToken: first.refreshToken } }), 403, 'refresh_token_reused')
    },
  },
  {
    surface: 'otp',
    name: 'wrong password',
    async run(context) {
      const account = await context.account()
      expectError(context, 'POST /auth/login', await api(context)('POST', '/auth/login', { json: { email: account.email, password: `${account.password}-wrong` } }), 403, 'authentication_error')
    },
  },
  {
    surface: 'otp',
    name: 'expired token',
    needs: 'mock',
    async run(context) {
      const { idToken } = await signIn(context)
      await context.mock!.advanceClock(16 * 60_000)
      expectError(context, 'GET /auth/otp/code', await api(context)('GET', '/auth/otp/code?method=EMAIL', { headers: { authorization: `Bearer ${idToken}` } }), 401, 'unauthenticated')
    },
  },
  {
    surface: 'otp',
    name: 'bad input',
    async run(context) {
      expectError(context, 'POST /auth/login', await api(context)('POST', '/auth/login', { json: { email: 42, password: [] } }), 400, 'validation_error')
    },
  },
  {
    surface: 'otp',
    name: 'TOTP enrolment, wrong code, step-up and removal',
    // Enrols (then removes) an authenticator on the account: a change to the user's settings.
    needs: 'writes',
    async run(context) {
      const { idToken } = await signIn(context)
      const call = api(context)
      const bearer = { authorization: `Bearer ${idToken}` }
      const created = await call('POST', '/auth/otp/methods/totp', { json: {}, headers: bearer })
      const secret = created.body?.['secret']
      if (typeof secret !== 'string') {
        context.findings.fail('POST /auth/otp/methods/totp', '$.secret', `status ${created.status}, no secret`)
        throw new StepFailed('no TOTP secret')
      }
      const confirmed = await call('POST', '/auth/otp/code', { json: { channel: 'TOTP' }, headers: { ...bearer, 'x-otp': await totp(context, secret) } })
      context.findings.expect(confirmed.status === 200, 'POST /auth/otp/code', '$', `status ${confirmed.status}, documented: 200`)
      const right = await totp(context, secret)
      const wrong = right === '000000' ? '111111' : '000000'
      expectError(context, 'DELETE /auth/otp/methods/totp', await call('DELETE', '/auth/otp/methods/totp', { headers: { ...bearer, 'x-otp': wrong } }), 401, 'otp_invalid')
      const removed = await call('DELETE', '/auth/otp/methods/totp', { headers: { ...bearer, 'x-otp': right } })
      context.findings.expect(removed.status === 200, 'DELETE /auth/otp/methods/totp', '$', `status ${removed.status}, documented: 200`)
    },
  },
]
