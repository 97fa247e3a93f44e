/**
 * Every adapter, fed malformed sign-in and refresh answers through the mock's fault injection
 * (wrong types, missing fields, extra nesting, non-JSON, empty and array bodies), commits
 * nothing: sign-in rejects with a transient `bad_response` and no session, and a refresh keeps
 * the session and its refresh token. The error's message names what broke (the TokenSet member,
 * or the part of the body that is missing) and the rule, and never quotes a value it was fed.
 * Each case is first checked to break the zod schema that codegen generated for that answer, so
 * the adapters' compact checks are held to the contract.
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
const REFRESH = 'refresh-secret-4f1c9a'
/** Wrong-typed values the cases put where a token belongs: no message may quote them either. */
const FED = ['12345', '67890', JWT, REFRESH]

interface Answer {
  fault: { path: string; operationName?: string }
  /** The generated schema of this answer: a REST body, or a GraphQL result's `data`. */
  schema: AnswerSchema
  graphql: boolean
  /** A well-formed answer (a fresh, unexpiring token) for the mutations below to break. */
  good: Record<string, unknown>
  /** Where the access token sits in `good`. */
  token: string[]
  /** Where the refresh token sits in `good`. */
  refresh: string[]
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
  good: { data: { [field]: { token: JWT, refreshToken: REFRESH, ...extra } } },
  token: ['data', field, 'token'],
  refresh: ['data', field, 'refreshToken'],
})

const platformResult = { promptTwoFactorAuth: false, sessionId: null, userId: 'u1', userProfile: null }
const accountsResult = { success: true, errors: null, refreshExpiresIn: 4102444800 }

const tokenEndpointAnswer = { access_token: JWT, token_type: 'Bearer', expires_in: 3600, refresh_token: REFRESH }

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
    signIn: { fault: { path: '/auth/login' }, schema: otpAnswers['POST /auth/login'][200], graphql: false, good: { idToken: JWT, refreshToken: REFRESH }, token: ['idToken'], refresh: ['refreshToken'] },
    refresh: { fault: { path: '/auth/login/refresh' }, schema: otpAnswers['POST /auth/login/refresh'][200], graphql: false, good: { idToken: JWT, refreshToken: REFRESH }, token: ['idToken'], refresh: ['refreshToken'] },
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
    signIn: { fault: { path: '/oidc/token' }, schema: experienceAnswers['POST /oidc/token'][200], graphql: false, good: tokenEndpointAnswer, token: ['access_token'], refresh: ['refresh_token'] },
    refresh: { fault: { path: '/oidc/token' }, schema: experienceAnswers['POST /oidc/token'][200], graphql: false, good: tokenEndpointAnswer, token: ['access_token'], refresh: ['refresh_token'] },
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

/**
 * The malformed variants of one well-formed answer, each with what its error message must say
 * broke: a TokenSet member (the adapters map the wire's token fields onto `accessToken` and
 * `refreshToken`) or the part of the body that is missing.
 */
function malformed(answer: Answer): Array<[label: string, body: unknown, problem: string]> {
  const { good, token, graphql } = answer
  // Extra nesting: the payload one level too deep (`{ data: { login: { login: … } } }`, `{ data: { idToken … } }`).
  const nested = graphql ? edit(good, token.slice(0, 2), (inner) => ({ [token[1]!]: inner })) : { data: good }
  // A GraphQL body without the operation's root field; a REST body is the token object itself.
  const noResult = graphql ? `data.${token[1]} is missing` : 'accessToken is missing'
  return [
    ['a numeric token', edit(good, token, () => 12345), 'accessToken must be a non-empty string'],
    ['a token that is an object', edit(good, token, (t) => ({ value: t })), 'accessToken must be a non-empty string'],
    ['the token missing', edit(good, token, () => undefined), 'accessToken is missing'],
    ['a numeric refresh token', edit(good, answer.refresh, () => 67890), 'refreshToken must be a string or null'],
    ['extra nesting', nested, 'accessToken is missing'],
    ['a non-JSON body', 'Service temporarily unavailable', 'the body is not a JSON object'],
    ['an empty object', {}, noResult],
    ['an array', [], noResult],
    ['JSON null', null, 'the body is not a JSON object'],
  ]
}

/** The error says what broke, as `The backend's answer is unusable: <problem>.`, and quotes nothing it was fed. */
function expectNamed(error: unknown, problem: string): void {
  const message = (error as Error).message
  expect(message).toBe(`The backend's answer is unusable: ${problem}.`)
  for (const value of FED) expect(message).not.toContain(value)
  expect(JSON.stringify(error)).not.toContain(JWT)
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

  it.each(malformed(surface.signIn))('sign-in answered with %s: rejected as bad_response naming what broke, no session, no event', async (_label, body, problem) => {
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
    expectNamed(error, problem)
    expect(await auth.getSession()).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(events).toEqual([])
  })

  it.each(malformed(surface.refresh))('refresh answered with %s: rejected as bad_response naming what broke, the session and its refresh token kept', async (_label, body, problem) => {
    expect(breaksSchema(surface.refresh, body)).toBe(true)
    const { email, password } = await user()
    const storage = sharedStorage()
    const auth = client(storage)
    expect((await auth.signIn({ email, password } as never)).status).toBe('signedIn')
    const stored = storage.items.get('portcullis.session')
    await advanceClock(surface.lifetimeMs + 60_000)
    await injectFault({ ...surface.refresh.fault, status: 200, body: body === null ? 'null' : (body as never) })
    const error = await auth.getAccessToken().then(() => null, (e: unknown) => e)
    expect(error).toMatchObject({ code: 'bad_response', kind: 'server', retryable: true })
    expectNamed(error, problem)
    expect(storage.items.get('portcullis.session')).toBe(stored)
    expect(await auth.getSession()).not.toBeNull()
    auth.dispose()
  })
})
