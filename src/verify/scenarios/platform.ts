/** The platform GraphQL API (`POST /api/graphql`): the generated documents, every answer checked. */
import {
  Confirm2FaDocument,
  LoginDocument,
  LogoutDocument,
  NewTokenDocument,
  UserProfileDocument,
} from '../../generated/platform/graphql'
import { results } from '../../generated/platform/zod'
import type { Account, Scenario, ScenarioContext } from '../context'
import { graphql, StepFailed, type GraphQLAnswer } from '../probe'

const call = (context: ScenarioContext, document: { toString(): string }, variables: Record<string, unknown>, token?: string): Promise<GraphQLAnswer> =>
  graphql(context.fetch, context.url('/api/graphql'), String(document), variables, results, context.findings, token ? `Bearer ${token}` : undefined)

/** The first error's code, checked against the documented one. */
function expectError(context: ScenarioContext, operation: string, answer: GraphQLAnswer, code: string): void {
  const got = answer.errors[0]?.extensions?.code
  context.findings.expect(got === code, operation, '$.errors[0].extensions.code', got ? `${got}, documented: ${code}` : `no error, documented: ${code}`)
}

interface Session {
  token: string
  refreshToken: string
}

function sessionOf(context: ScenarioContext, operation: string, result: unknown): Session {
  const { token, refreshToken } = (result ?? {}) as { token?: unknown; refreshToken?: unknown }
  if (typeof token !== 'string' || typeof refreshToken !== 'string') {
    context.findings.fail(operation, '$', 'no token pair in a successful answer')
    throw new StepFailed(`${operation} gave no token pair`)
  }
  return { token, refreshToken }
}

/** Login, and Confirm2Fa with a code from the code source when the account has 2FA. */
async function signIn(context: ScenarioContext, account: Account): Promise<Session> {
  const login = await call(context, LoginDocument, { credentials: { email: account.email, password: account.password } })
  if (login.errors.length) {
    context.findings.fail('Login', '$.errors[0]', `refused (${login.errors[0]?.extensions?.code ?? 'no code'})`)
    throw new StepFailed('sign-in refused')
  }
  const result = login.data?.['login'] as { promptTwoFactorAuth?: boolean; sessionId?: string } | null
  if (!result?.promptTwoFactorAuth) return sessionOf(context, 'Login', result)
  const code = await context.code({ surface: 'platform', purpose: 'sign_in_2fa', email: account.email })
  const confirm = await call(context, Confirm2FaDocument, { code, sessionId: result.sessionId, email: account.email })
  return sessionOf(context, 'Confirm2Fa', confirm.data?.['confirm2Fa'])
}

const HOUR = 3_600_000

export const platformScenarios: Scenario[] = [
  {
    surface: 'platform',
    name: 'sign-in, profile',
    async run(context) {
      const session = await signIn(context, await context.account())
      const profile = await call(context, UserProfileDocument, {}, session.token)
      context.findings.expect(!profile.errors.length, 'UserProfile', '$.errors', 'refused with a fresh token')
    },
  },
  {
    surface: 'platform',
    name: 'sign-in with an emailed second factor',
    async run(context) {
      await signIn(context, await context.account({ twoFactor: true }))
    },
  },
  {
    surface: 'platform',
    name: 'wrong code',
    async run(context) {
      const account = await context.account({ twoFactor: true })
      const login = await call(context, LoginDocument, { credentials: { email: account.email, password: account.password } })
      const result = login.data?.['login'] as { sessionId?: string } | null
      const code = await context.code({ surface: 'platform', purpose: 'sign_in_2fa', email: account.email })
      const wrong = code === '000000' ? '111111' : '000000'
      expectError(context, 'Confirm2Fa', await call(context, Confirm2FaDocument, { code: wrong, sessionId: result?.sessionId, email: account.email }), 'INVALID_CODE')
    },
  },
  {
    surface: 'platform',
    name: 'refresh, rotation and reuse',
    async run(context) {
      const first = await signIn(context, await context.account())
      const rotated = sessionOf(context, 'NewToken', (await call(context, NewTokenDocument, { refreshToken: first.refreshToken })).data?.['newToken'])
      context.findings.expect(rotated.refreshToken !== first.refreshToken, 'NewToken', '$.data.newToken.refreshToken', 'not rotated')
      expectError(context, 'NewToken', await call(context, NewTokenDocument, { refreshToken: first.refreshToken }), 'REFRESH_TOKEN_REUSED')
    },
  },
  {
    surface: 'platform',
    name: 'sign-out',
    async run(context) {
      const session = await signIn(context, await context.account())
      const logout = await call(context, LogoutDocument, {}, session.token)
      context.findings.expect(!logout.errors.length, 'Logout', '$.errors', 'refused with a fresh token')
      expectError(context, 'NewToken', await call(context, NewTokenDocument, { refreshToken: session.refreshToken }), 'INVALID_REFRESH_TOKEN')
    },
  },
  {
    surface: 'platform',
    name: 'wrong password',
    async run(context) {
      const account = await context.account()
      expectError(context, 'Login', await call(context, LoginDocument, { credentials: { email: account.email, password: `${account.password}-wrong` } }), 'INVALID_CREDENTIALS')
    },
  },
  {
    surface: 'platform',
    name: 'expired token',
    needs: 'mock',
    async run(context) {
      const session = await signIn(context, await context.account())
      await context.mock!.advanceClock(HOUR + 60_000)
      expectError(context, 'UserProfile', await call(context, UserProfileDocument, {}, session.token), 'UNAUTHENTICATED')
    },
  },
  {
    surface: 'platform',
    name: 'bad input',
    async run(context) {
      // A required variable missing: a GraphQL request error, with no data.
      const answer = await call(context, LoginDocument, { credentials: { email: 'someone@example.com' } })
      context.findings.expect(answer.errors.length > 0 && !answer.data, 'Login', '$', 'accepted credentials without a password')
    },
  },
]
