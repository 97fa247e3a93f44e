/**
 * Every adapter, fed malformed sign-in and refresh answers through the mock's fault injection
 * (wrong types, missing fields, extra nesting, non-JSON, empty and array bodies), commits
 * nothing: sign-in rejects with a transient `bad_response` and no session, and a refresh keeps
 * the session and its refresh token. Each case is first checked to break the zod schema that
 * codegen generated for that answer, so the adapters' compact checks are held to the contract.
 */
import { describe, expect, it } from 'vitest'
import { accountsApi } from '../../../src/accounts'
import { experienceApi } from '../../../src/experience/node'
import { results as accountsResults } from '../../../src/generated/accounts/zod'
import { results as relayResults } from '../../../src/generated/accounts-relay/zod'
import { responses as experienceAnswers } from '../../../src/generated/experience/zod'
import { responses as otpAnswers } from '../../../src/generated/otp/zod'
import { results as platformResults } from '../../../src/generated/platform/zod'
import { AuthClient, type AuthAdapter } from '../../../src/index'
import { otpApi } from '../../../src/otp'
import { platformApi } from '../../../src/platform'
import { contractIssues, type AnswerSchema } from '../../../src/transport/contract'
import { advanceClock, BASE, createUser, injectFault, setConfig, sharedStorage, useMockBackend } from './support'

const mock = useMockBackend()

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6NDEwMjQ0NDgwMH0.c2ln'

interface Answer {
  fault: { path: string; operationName?: string }
  /** The generated schema of this answer: a REST body, or a GraphQL result's `data`. */
  schema: AnswerSchema
  graphql: boolean
  /** A well-formed answer (a fresh, unexpiring token) for the mutations below to break. */
  good: Record<string, unknown>
  /** Where the access token sits in `good`. */
  token: string[]
}

interface Surface {
  name: string
  api(): AuthAdapter<never>
  lifetimeMs: number
  config?: Record<string, unknown>
  signIn: Answer
  refresh: Answer
}

const gqlAnswer = (fault: Answer['fault'], schema: AnswerSchema, field: string, extra: Record<string, unknown> = {}): Answer => ({
  fault,
  schema,
  graphql: true,
  good: { data: { [field]: { token: JWT, refreshToken: 'r-1', ...extra } } },
  token: ['data', field, 'token'],
})

const platformResult = { promptTwoFactorAuth: false, sessionId: null, userId: 'u1', userProfile: null }
const accountsResult = { success: true, errors: null, refreshExpiresIn: 4102444800 }

const surfaces: Surface[] = [
  {
    name: 'platform',
    api: () => platformApi(),
    lifetimeMs: 3_600_000,
    signIn: gqlAnswer({ path: '/api/graphql', operationName: 'Login' }, platformResults.Login, 'login', platformResult),
    refresh: gqlAnswer({ path: '/api/graphql', operationName: 'NewToken' }, platformResults.NewToken, 'newToken', platformResult),
  },
  {
    name: 'otp',
    api: () => otpApi(),
    lifetimeMs: 15 * 60_000,
    signIn: { fault: { path: '/auth/login' }, schema: otpAnswers['POST /auth/login'][200], graphql: false, good: { idToken: JWT, refreshToken: 'r-1' }, token: ['idToken'] },
    refresh: { fault: { path: '/auth/login/refresh' }, schema: otpAnswers['POST /auth/login/refresh'][200], graphql: false, good: { idToken: JWT, refreshToken: 'r-1' }, token: ['idToken'] },
  },
  {
    name: 'accounts',
    api: () => accountsApi(),
    lifetimeMs: 5 * 60_000,
    signIn: gqlAnswer({ path: '/graphql', operationName: 'TokenAuth' }, accountsResults.TokenAuth, 'tokenAuth', { ...accountsResult, user: { id: 'VXNlck5vZGU6MQ==', username: 'ann' } }),
    refresh: gqlAnswer({ path: '/graphql', operationName: 'RefreshToken' }, accountsResults.RefreshToken, 'refreshToken', accountsResult),
  },
  {
    name: 'accounts-relay',
    api: () => accountsApi({ relay: true }),
    lifetimeMs: 5 * 60_000,
    signIn: gqlAnswer({ path: '/graphql/relay', operationName: 'TokenAuthRelay' }, relayResults.TokenAuthRelay, 'tokenAuth', { ...accountsResult, user: { id: 'VXNlck5vZGU6MQ==', username: 'ann' } }),
    refresh: gqlAnswer({ path: '/graphql/relay', operationName: 'RefreshTokenRelay' }, relayResults.RefreshTokenRelay, 'refreshToken', accountsResult),
  },
  {
    name: 'experience',
    api: () => experienceApi({ clientId: 'portcullis-demo', redirectUri: 'http://localhost:5173/callback' }),
    lifetimeMs: 3_600_000,
    config: { experience: { mfa: { factors: [] } } },
    // The sign-in's code exchange and the refresh both answer at the token endpoint.
    signIn: { fault: { path: '/oidc/token' }, schema: experienceAnswers['POST /oidc/token'][200], graphql: false, good: { access_token: JWT, token_type: 'Bearer', expires_in: 3600, refresh_token: 'r-1' }, token: ['access_token'] },
    refresh: { fault: { path: '/oidc/token' }, schema: experienceAnswers['POST /oidc/token'][200], graphql: false, good: { access_token: JWT, token_type: 'Bearer', expires_in: 3600, refresh_token: 'r-1' }, token: ['access_token'] },
  },
]

/** A copy of `value` with the member at `path` replaced (`undefined`: removed). */
function edit(value: Record<string, unknown>, path: string[], replace: (old: unknown) => unknown): Record<string, unknown> {
  const copy = structuredClone(value)
  let at: Record<string, unknown> = copy
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>
  const last = path.at(-1)!
  const next = replace(at[last])
  if (next === undefined) delete at[last]
  else at[last] = next
  return copy
}

/** The malformed variants of one well-formed answer. */
function malformed(answer: Answer): Array<[label: string, body: unknown]> {
  const { good, token, graphql } = answer
  // Extra nesting: the payload one level too deep (`{ data: { login: { login: … } } }`, `{ data: { idToken … } }`).
  const nested = graphql ? edit(good, token.slice(0, 2), (inner) => ({ [token[1]!]: inner })) : { data: good }
  return [
    ['a numeric token', edit(good, token, () => 12345)],
    ['a token that is an object', edit(good, token, (t) => ({ value: t }))],
    ['the token missing', edit(good, token, () => undefined)],
    ['extra nesting', nested],
    ['a non-JSON body', 'Service temporarily unavailable'],
    ['an empty object', {}],
    ['an array', []],
    ['JSON null', null],
  ]
}

/** Whether the generated schema refuses this body (a GraphQL body is checked by its `data`). */
function breaksSchema(answer: Answer, body: unknown): boolean {
  if (typeof body === 'string' || body === null || typeof body !== 'object' || Array.isArray(body)) return true
  const value = answer.graphql ? (body as { data?: unknown }).data : body
  return contractIssues(answer.schema, value).length > 0
}

describe.each(surfaces)('$name adapter: malformed answers commit nothing', (surface) => {
  const client = (storage = sharedStorage()) =>
    new AuthClient({ baseUrl: BASE, api: surface.api(), storage, now: () => mock.clock.now(), sleep: async () => {}, refreshAttempts: 1 })
  const user = async () => {
    if (surface.config) await setConfig(surface.config)
    return createUser()
  }

  it('the well-formed answers the cases start from meet the generated schemas', () => {
    // GraphQL results select more fields than the adapters read; the REST ones are complete.
    for (const answer of [surface.signIn, surface.refresh]) {
      if (!answer.graphql) expect(contractIssues(answer.schema, answer.good)).toEqual([])
    }
  })

  it.each(malformed(surface.signIn))('sign-in answered with %s: rejected as bad_response, no session, no event', async (_label, body) => {
    expect(breaksSchema(surface.signIn, body)).toBe(true)
    const { email, password } = await user()
    const storage = sharedStorage()
    const auth = client(storage)
    const events: unknown[] = []
    auth.on('signedIn', (event) => void events.push(event))
    // JSON null is sent as the string "null" (the fault API reads `body: null` as no body).
    await injectFault({ ...surface.signIn.fault, status: 200, body: body === null ? 'null' : (body as never) })
    const error = await auth.signIn({ email, password } as never).then(() => null, (e: unknown) => e)
    expect(error).toMatchObject({ code: 'bad_response', kind: 'server', retryable: true })
    expect(String((error as Error).message)).not.toContain(JWT)
    expect(await auth.getSession()).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(events).toEqual([])
  })

  it.each(malformed(surface.refresh))('refresh answered with %s: the session and its refresh token are kept', async (_label, body) => {
    expect(breaksSchema(surface.refresh, body)).toBe(true)
    const { email, password } = await user()
    const storage = sharedStorage()
    const auth = client(storage)
    expect((await auth.signIn({ email, password } as never)).status).toBe('signedIn')
    const stored = storage.items.get('portcullis.session')
    await advanceClock(surface.lifetimeMs + 60_000)
    await injectFault({ ...surface.refresh.fault, status: 200, body: body === null ? 'null' : (body as never) })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'bad_response', kind: 'server', retryable: true })
    expect(storage.items.get('portcullis.session')).toBe(stored)
    expect(await auth.getSession()).not.toBeNull()
    auth.dispose()
  })
})
