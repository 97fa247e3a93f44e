/**
 * The accounts GraphQL API in both forms: classic arguments (`POST /graphql`) and relay
 * `input:` (`POST /graphql/relay`). Outcomes are data (`success`, `errors` keyed by field),
 * checked with the generated result schemas.
 */
import * as classic from '../../generated/accounts/graphql'
import { results as classicResults } from '../../generated/accounts/zod'
import * as relay from '../../generated/accounts-relay/graphql'
import { results as relayResults } from '../../generated/accounts-relay/zod'
import type { Account, Scenario, ScenarioContext, SurfaceName } from '../context'
import { graphql, StepFailed } from '../probe'

interface Form {
  surface: SurfaceName
  path: string
  results: typeof classicResults | typeof relayResults
  /** Classic operations take arguments; relay ones one `input`. */
  args(variables: Record<string, unknown>): Record<string, unknown>
  documents: { tokenAuth: string; refreshToken: string; revokeToken: string }
  /** Operation names as sent. */
  names: { tokenAuth: string; refreshToken: string; revokeToken: string }
}

const FORMS: Form[] = [
  {
    surface: 'accounts',
    path: '/graphql',
    results: classicResults,
    args: (variables) => variables,
    documents: { tokenAuth: String(classic.TokenAuthDocument), refreshToken: String(classic.RefreshTokenDocument), revokeToken: String(classic.RevokeTokenDocument) },
    names: { tokenAuth: 'TokenAuth', refreshToken: 'RefreshToken', revokeToken: 'RevokeToken' },
  },
  {
    surface: 'accounts-relay',
    path: '/graphql/relay',
    results: relayResults,
    args: (input) => ({ input }),
    documents: { tokenAuth: String(relay.TokenAuthRelayDocument), refreshToken: String(relay.RefreshTokenRelayDocument), revokeToken: String(relay.RevokeTokenRelayDocument) },
    names: { tokenAuth: 'TokenAuthRelay', refreshToken: 'RefreshTokenRelay', revokeToken: 'RevokeTokenRelay' },
  },
]

type Output = { success?: boolean | null; errors?: Record<string, Array<{ code?: string }>> | null; token?: string | null; refreshToken?: string | null } | null

function client(context: ScenarioContext, form: Form) {
  return async (operation: keyof Form['documents'], field: string, variables: Record<string, unknown>, token?: string): Promise<Output> => {
    const answer = await graphql(context.fetch, context.url(form.path), form.documents[operation], form.args(variables), form.results, context.findings, token ? `JWT ${token}` : undefined)
    if (answer.errors.length) context.findings.fail(form.names[operation], '$.errors[0]', 'a request error where an output was documented')
    return (answer.data?.[field] ?? null) as Output
  }
}

/** The output's first `nonFieldErrors` code, checked against the documented one. */
function expectCode(context: ScenarioContext, operation: string, output: Output, code: string): void {
  const got = output?.errors?.['nonFieldErrors']?.[0]?.code
  context.findings.expect(output?.success === false && got === code, operation, '$.errors.nonFieldErrors[0].code', `${got ?? 'none'}, documented: ${code}`)
}

async function signIn(context: ScenarioContext, form: Form, account: Account): Promise<{ token: string; refreshToken: string }> {
  const output = await client(context, form)('tokenAuth', 'tokenAuth', { email: account.email, password: account.password })
  if (!output?.success || typeof output.token !== 'string' || typeof output.refreshToken !== 'string') {
    context.findings.fail(form.names.tokenAuth, '$.data.tokenAuth', 'no success with a token pair')
    throw new StepFailed('sign-in failed')
  }
  return { token: output.token, refreshToken: output.refreshToken }
}

function scenarios(form: Form): Scenario[] {
  const { surface } = form
  return [
    {
      surface,
      name: 'sign-in, me',
      async run(context) {
        const { token } = await signIn(context, form, await context.account())
        if (surface === 'accounts') {
          const me = await graphql(context.fetch, context.url(form.path), String(classic.MeDocument), {}, classicResults, context.findings, `JWT ${token}`)
          context.findings.expect(!!me.data?.['me'], 'Me', '$.data.me', 'null with a fresh token')
        }
      },
    },
    {
      surface,
      name: 'refresh',
      async run(context) {
        const { refreshToken } = await signIn(context, form, await context.account())
        const output = await client(context, form)('refreshToken', 'refreshToken', { refreshToken })
        context.findings.expect(!!output?.success && typeof output.token === 'string', form.names.refreshToken, '$.data.refreshToken', 'no success with a token')
      },
    },
    {
      surface,
      name: 'sign-out (revoke) and a revoked token',
      async run(context) {
        const { refreshToken } = await signIn(context, form, await context.account())
        const call = client(context, form)
        const revoked = await call('revokeToken', 'revokeToken', { refreshToken })
        context.findings.expect(!!revoked?.success, form.names.revokeToken, '$.data.revokeToken.success', 'not revoked')
        expectCode(context, form.names.refreshToken, await call('refreshToken', 'refreshToken', { refreshToken }), 'invalid_token')
      },
    },
    {
      surface,
      name: 'wrong password',
      async run(context) {
        const account = await context.account()
        expectCode(context, form.names.tokenAuth, await client(context, form)('tokenAuth', 'tokenAuth', { email: account.email, password: `${account.password}-wrong` }), 'invalid_credentials')
      },
    },
    ...(surface === 'accounts'
      ? [
          {
            surface,
            name: 'expired token',
            needs: 'mock',
            async run(context: ScenarioContext) {
              const { token } = await signIn(context, form, await context.account())
              await context.mock!.advanceClock(5 * 60_000 + 60_000)
              const me = await graphql(context.fetch, context.url(form.path), String(classic.MeDocument), {}, classicResults, context.findings, `JWT ${token}`)
              const message = me.errors[0]?.message
              context.findings.expect(message === 'Signature has expired' && !me.data?.['me'], 'Me', '$.errors[0].message', `${message ?? 'no error'}, documented: Signature has expired`)
            },
          } satisfies Scenario,
        ]
      : []),
    {
      surface,
      name: 'bad input',
      async run(context) {
        // A variable of the wrong type: a GraphQL request error, with no data.
        const answer = await graphql(context.fetch, context.url(form.path), form.documents.tokenAuth, form.args({ email: 42, password: 'x' }), form.results, context.findings)
        context.findings.expect(answer.errors.length > 0 && !answer.data, form.names.tokenAuth, '$', 'accepted a number for an email')
      },
    },
  ]
}

export const accountsScenarios: Scenario[] = FORMS.flatMap(scenarios)
