/**
 * Each surface's typed client makes one real HTTP call (intercepted by msw) and returns a typed
 * result. The handlers assert the wire format the client sent: path, operation, variables, body.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { createAccountsClient, createAccountsRelayClient, MeDocument, relay, type MeQuery } from '../../../src/accounts'
import { createExperienceClient } from '../../../src/experience'
import { AuthError } from '../../../src/index'
import { createOtpClient } from '../../../src/otp'
import { createPlatformClient, LoginDocument, UserProfileDocument, type LoginMutation } from '../../../src/platform'

const baseUrl = 'http://backend.test'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface GraphQLBody {
  query: string
  operationName?: string
  variables?: Record<string, unknown>
}

describe('createPlatformClient', () => {
  it('posts the Login document with its variables and returns the typed result', async () => {
    let seen: GraphQLBody | undefined
    server.use(
      http.post(`${baseUrl}/api/graphql`, async ({ request }) => {
        seen = (await request.json()) as GraphQLBody
        return HttpResponse.json({
          data: { login: { token: 'header.payload.sig', promptTwoFactorAuth: false, userId: 'u-1', sessionId: 's-1' } },
        })
      }),
    )
    // A partial answer made by hand (this is about the transport): not checked against the contract.
    const client = createPlatformClient({ baseUrl }, { validate: false })
    const result = await client.request(LoginDocument, { credentials: { email: 'a@example.com', password: 'pw-123456' } })
    expectTypeOf(result).toEqualTypeOf<LoginMutation>()
    expect(result.login?.userId).toBe('u-1')
    expect(seen?.operationName).toBe('Login')
    expect(seen?.query).toContain('mutation Login($credentials: LoginCredentials!)')
    expect(seen?.variables).toEqual({ credentials: { email: 'a@example.com', password: 'pw-123456' } })
  })

  it('turns GraphQL errors into an AuthError without the request variables', async () => {
    server.use(
      http.post(`${baseUrl}/api/graphql`, () =>
        HttpResponse.json({ data: { login: null }, errors: [{ message: 'Invalid credentials.', extensions: { code: 'INVALID_CREDENTIALS' } }] }),
      ),
    )
    const client = createPlatformClient({ baseUrl })
    const error = await client.request(LoginDocument, { credentials: { email: 'a@example.com', password: 'secret-pw-42' } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    // The same code, kind and message as the platform adapter gives for this error.
    expect(error).toMatchObject({ code: 'invalid_credentials', kind: 'auth', message: 'The platform API refused the request (invalid_credentials).' })
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('secret-pw-42')
  })

  it('never repeats a message that may quote the variables (a graphql-js variable error has no deliberate code)', async () => {
    server.use(
      http.post(`${baseUrl}/api/graphql`, () =>
        HttpResponse.json({ errors: [{ message: 'Variable "$credentials" got invalid value { password: "secret-pw-42", nick: 1 }' }] }, { status: 400 }),
      ),
    )
    const client = createPlatformClient({ baseUrl })
    const error = await client.request(LoginDocument, { credentials: { email: 'a@example.com', password: 'secret-pw-42' } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'AuthError', kind: 'validation', code: 'http_400', status: 400 })
    expect(JSON.stringify(error) + String((error as Error).message) + String((error as Error).stack)).not.toContain('secret-pw-42')
  })

  it('keeps a path prefix of baseUrl, as the adapter does', async () => {
    let hit = ''
    server.use(
      http.post(`${baseUrl}/gateway/api/graphql`, ({ request }) => {
        hit = new URL(request.url).pathname
        return HttpResponse.json({ data: { userProfile: null } })
      }),
    )
    await createPlatformClient({ baseUrl: `${baseUrl}/gateway/` }).request(UserProfileDocument)
    expect(hit).toBe('/gateway/api/graphql')
  })
})

describe('createAccountsClient / createAccountsRelayClient', () => {
  it('classic: queries `me` at /graphql with custom headers', async () => {
    let auth: string | null = null
    server.use(
      http.post(`${baseUrl}/graphql`, ({ request }) => {
        auth = request.headers.get('authorization')
        return HttpResponse.json({ data: { me: { id: 'VXNlck5vZGU6MQ==', username: 'alice', verified: true } } })
      }),
    )
    // Partial answers made by hand (these are about the transport): not checked against the contract.
    const client = createAccountsClient({ baseUrl, headers: { Authorization: 'JWT abc' } }, { validate: false })
    const result = await client.request(MeDocument)
    expectTypeOf(result).toEqualTypeOf<MeQuery>()
    expect(result.me?.username).toBe('alice')
    expect(auth).toBe('JWT abc')
  })

  it('relay: sends tokenAuth with one `input` object to /graphql/relay', async () => {
    let variables: Record<string, unknown> | undefined
    server.use(
      http.post(`${baseUrl}/graphql/relay`, async ({ request }) => {
        variables = ((await request.json()) as GraphQLBody).variables
        return HttpResponse.json({ data: { tokenAuth: { success: true, errors: null, token: 't', clientMutationId: 'c1' } } })
      }),
    )
    const client = createAccountsRelayClient({ baseUrl }, { validate: false })
    const result = await client.request(relay.TokenAuthRelayDocument, {
      input: { username: 'alice', password: 'pw', clientMutationId: 'c1' },
    })
    expectTypeOf(result).toEqualTypeOf<relay.TokenAuthRelayMutation>()
    expect(result.tokenAuth?.success).toBe(true)
    expect(variables).toEqual({ input: { username: 'alice', password: 'pw', clientMutationId: 'c1' } })
  })
})

describe('createOtpClient', () => {
  it('POST /auth/login sends the typed body and returns typed data', async () => {
    server.use(
      http.post(`${baseUrl}/auth/login`, async ({ request }) => {
        expect(await request.json()).toEqual({ email: 'a@example.com', password: 'pw' })
        return HttpResponse.json({ idToken: 'id', refreshToken: 'rt' })
      }),
    )
    const client = createOtpClient({ baseUrl })
    const { data, error } = await client.POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } })
    expect(error).toBeUndefined()
    expectTypeOf(data!.idToken).toEqualTypeOf<string>()
    expect(data).toEqual({ idToken: 'id', refreshToken: 'rt' })
  })

  it('GET /auth/otp/code passes the query and x-otp style headers through', async () => {
    server.use(
      http.get(`${baseUrl}/auth/otp/code`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('method')).toBe('EMAIL')
        return HttpResponse.json({ validUntil: '2026-01-01T00:05:00.000Z', channel: 'EMAIL', validated: false })
      }),
    )
    const client = createOtpClient({ baseUrl, headers: { Authorization: 'Bearer x' } })
    const { data } = await client.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } })
    expectTypeOf(data!.channel).toEqualTypeOf<'EMAIL' | 'SMS'>()
    expect(data?.validated).toBe(false)
  })
})

describe('createExperienceClient', () => {
  it('PUT /api/experience starts an interaction (204, no body)', async () => {
    server.use(
      http.put(`${baseUrl}/api/experience`, async ({ request }) => {
        expect(await request.json()).toEqual({ interactionEvent: 'SignIn' })
        return new HttpResponse(null, { status: 204 })
      }),
    )
    const client = createExperienceClient({ baseUrl })
    const { response, error } = await client.PUT('/api/experience', { body: { interactionEvent: 'SignIn' } })
    expect(response.status).toBe(204)
    expect(error).toBeUndefined()
  })

  it('POST verification/password returns a typed verificationId', async () => {
    server.use(
      http.post(`${baseUrl}/api/experience/verification/password`, () => HttpResponse.json({ verificationId: 'abc123def456ghi789jkl' })),
    )
    const client = createExperienceClient({ baseUrl })
    const { data } = await client.POST('/api/experience/verification/password', {
      body: { identifier: { type: 'email', value: 'a@example.com' }, password: 'pw' },
    })
    expectTypeOf(data!.verificationId).toEqualTypeOf<string>()
    expect(data?.verificationId).toHaveLength(21)
  })
})
