/**
 * The experience REST API and its OIDC endpoints, driven through the SDK's own experience
 * adapter (the interaction, the authorization redirect, the code exchange) over a fetch that
 * checks every answer against the generated table; refusals are then probed directly.
 */
import { Secret, TOTP } from 'otpauth'
import type { AdapterContext, TokenSet } from '../../core/adapter'
import { AuthError } from '../../core/errors'
import { experienceApi } from '../../experience/node'
import { responses } from '../../generated/experience/zod'
import type { Scenario, ScenarioContext } from '../context'
import { checkedFetch, rest, StepFailed } from '../probe'

/** The OIDC client scenarios sign in with (the mock's demo client unless configured). */
export interface ExperienceClientOptions {
  clientId: string
  redirectUri: string
}

export const MOCK_CLIENT: ExperienceClientOptions = { clientId: 'portcullis-demo', redirectUri: 'http://localhost:5173/callback' }

function setup(context: ScenarioContext, client: ExperienceClientOptions) {
  const fetchFn = checkedFetch(context.fetch, responses, context.findings)
  const adapterContext: AdapterContext = { baseUrl: context.baseUrl, fetch: fetchFn, authorizedFetch: fetchFn, now: Date.now }
  return { fetchFn, adapterContext, adapter: experienceApi(client) }
}

/** Runs `body` with MFA prompts off on the mock (restored after): these scenarios are about tokens. */
async function withoutMfaPrompt<T>(context: ScenarioContext, body: () => Promise<T>): Promise<T> {
  if (!context.mock) return body()
  const config = await context.mock.config()
  const mfa = (config['experience'] as { mfa?: unknown } | undefined)?.mfa
  await context.mock.setConfig({ experience: { mfa: { factors: [] } } })
  try {
    return await body()
  } finally {
    if (mfa) await context.mock.setConfig({ experience: { mfa } })
  }
}

async function signIn(context: ScenarioContext, client: ExperienceClientOptions): Promise<{ tokens: TokenSet; fetchFn: ReturnType<typeof setup>['fetchFn']; adapterContext: AdapterContext; adapter: ReturnType<typeof experienceApi> }> {
  const parts = setup(context, client)
  const account = await context.account()
  const result = await withoutMfaPrompt(context, () => parts.adapter.signIn(parts.adapterContext, { identifier: account.email, password: account.password }))
  if (result.type !== 'session') {
    context.findings.fail('sign-in', '$', result.type === 'challenge' ? `asked for a second factor (${result.challenge.kind}); use an account without one` : 'no session')
    throw new StepFailed('sign-in did not end in a session')
  }
  return { ...parts, tokens: result.tokens }
}

/** The TOTP secret of the mock user the second-factor scenario creates. */
const MOCK_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

export function experienceScenarios(client: ExperienceClientOptions = MOCK_CLIENT): Scenario[] {
  return [
    {
      surface: 'experience',
      name: 'sign-in (interaction, authorization, code exchange), userinfo',
      async run(context) {
        const { tokens, fetchFn } = await signIn(context, client)
        const me = await rest(fetchFn, context.url('/oidc/me'), 'GET', { headers: { authorization: `Bearer ${tokens.accessToken}` } })
        context.findings.expect(me.status === 200, 'GET /oidc/me', '$', `status ${me.status}, expected 200`)
      },
    },
    {
      surface: 'experience',
      name: 'refresh, rotation and reuse',
      async run(context) {
        const { tokens, adapter, adapterContext, fetchFn } = await signIn(context, client)
        const rotated = await adapter.refresh(adapterContext, tokens)
        context.findings.expect(rotated.refreshToken !== tokens.refreshToken, 'POST /oidc/token', '$.refresh_token', 'not rotated')
        const reuse = await rest(fetchFn, context.url('/oidc/token'), 'POST', { form: { client_id: client.clientId, grant_type: 'refresh_token', refresh_token: tokens.refreshToken ?? '' } })
        context.findings.expect(reuse.status === 400 && reuse.body?.['error'] === 'invalid_grant', 'POST /oidc/token', '$.error', `status ${reuse.status} ${String(reuse.body?.['error'] ?? '')}, documented: 400 invalid_grant`)
      },
    },
    {
      surface: 'experience',
      name: 'sign-out (revocation) and a revoked token',
      async run(context) {
        const { tokens, adapter, adapterContext } = await signIn(context, client)
        await adapter.signOut(adapterContext, tokens)
        const refused = await adapter.refresh(adapterContext, tokens).then(
          () => null,
          (error: unknown) => error,
        )
        context.findings.expect(refused instanceof AuthError && refused.kind === 'auth', 'POST /oidc/token', '$.error', 'a revoked refresh token was accepted')
      },
    },
    {
      surface: 'experience',
      name: 'second factor (TOTP): a wrong code, then the right one',
      async run(context) {
        const { adapter, adapterContext } = setup(context, client)
        const account = await context.account({ totpSecret: MOCK_TOTP_SECRET })
        const first = await adapter.signIn(adapterContext, { identifier: account.email, password: account.password })
        if (first.type !== 'challenge' || !first.challenge.methods.includes('totp')) {
          context.findings.fail('sign-in', '$', `no TOTP challenge (${first.type}); the account needs an authenticator`)
          throw new StepFailed('no TOTP challenge')
        }
        const code = async () =>
          context.mock
            ? new TOTP({ secret: Secret.fromBase32(MOCK_TOTP_SECRET) }).generate({ timestamp: await context.mock.now() })
            : context.code({ surface: 'experience', purpose: 'sign_in_2fa', email: account.email })
        const good = await code()
        const refused = await adapter.verifyChallenge(adapterContext, first.challenge, good === '000000' ? '111111' : '000000').then(
          () => null,
          (error: unknown) => error,
        )
        context.findings.expect(refused instanceof AuthError && refused.code === 'invalid_code', 'POST /api/experience/verification/totp/verify', '$.code', `${refused instanceof AuthError ? refused.code : 'accepted'}, documented: a refused code`)
        const done = await adapter.verifyChallenge(adapterContext, first.challenge, await code())
        context.findings.expect(done.type === 'session', 'POST /api/experience/verification/totp/verify', '$', 'the right code did not end in a session')
      },
    },
    {
      surface: 'experience',
      name: 'emailed code (sign-in by a one-time code): a wrong code, then the one from the code source',
      async run(context) {
        const { adapter, adapterContext } = setup(context, client)
        const account = await context.account()
        await withoutMfaPrompt(context, async () => {
          const first = await adapter.signIn(adapterContext, { email: account.email })
          if (first.type !== 'challenge' || !first.challenge.methods.includes('email_code')) {
            context.findings.fail('sign-in', '$', `no emailed code (${first.type}); the sign-in experience must allow email verification codes`)
            throw new StepFailed('no emailed code')
          }
          const good = await context.code({ surface: 'experience', purpose: 'sign_in_code', email: account.email })
          const operation = 'POST /api/experience/verification/verification-code/verify'
          const refused = await adapter.verifyChallenge(adapterContext, first.challenge, good === '000000' ? '111111' : '000000').then(
            () => null,
            (error: unknown) => error,
          )
          context.findings.expect(refused instanceof AuthError && refused.code === 'invalid_code', operation, '$.code', `${refused instanceof AuthError ? refused.code : 'accepted'}, documented: a refused code`)
          const done = await adapter.verifyChallenge(adapterContext, first.challenge, good)
          context.findings.expect(done.type === 'session', operation, '$', 'the right code did not end in a session')
        })
      },
    },
    {
      surface: 'experience',
      name: 'expired token',
      needs: 'mock',
      async run(context) {
        const { tokens, fetchFn } = await signIn(context, client)
        await context.mock!.advanceClock(3_600_000 + 60_000)
        const me = await rest(fetchFn, context.url('/oidc/me'), 'GET', { headers: { authorization: `Bearer ${tokens.accessToken}` } })
        context.findings.expect(me.status === 401, 'GET /oidc/me', '$', `status ${me.status}, documented: 401`)
      },
    },
    {
      surface: 'experience',
      name: 'wrong password',
      async run(context) {
        const { adapter, adapterContext } = setup(context, client)
        const account = await context.account()
        const refused = await withoutMfaPrompt(context, () => adapter.signIn(adapterContext, { identifier: account.email, password: `${account.password}-wrong` })).then(
          () => null,
          (error: unknown) => error,
        )
        // The adapter reads the wire's 422 `session.invalid_credentials` as `invalid_credentials`.
        const ok = refused instanceof AuthError && refused.status === 422 && refused.code === 'invalid_credentials'
        context.findings.expect(ok, 'POST /api/experience/verification/password', '$.code', `${refused instanceof AuthError ? `${refused.status} ${refused.code}` : 'accepted'}, documented: 422 session.invalid_credentials`)
      },
    },
    {
      surface: 'experience',
      name: 'bad input',
      async run(context) {
        const { fetchFn } = setup(context, client)
        const answer = await rest(fetchFn, context.url('/oidc/token'), 'POST', { form: { client_id: client.clientId, grant_type: 'password' } })
        context.findings.expect(answer.status === 400, 'POST /oidc/token', '$', `status ${answer.status}, documented: 400`)
      },
    },
  ]
}
