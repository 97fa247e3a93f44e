/**
 * Typed clients with `validate: true` check every answer against the generated zod schemas and
 * reject a drifted one with an AuthError of kind `contract` naming the operation and the JSON
 * path; with `validate: false` they pass answers through as before. Left out, `validate` follows
 * `process.env.NODE_ENV`: on unless it is 'production' (or there is no `process`), where the
 * schemas are not part of the build and `validate: true` is refused when the client is created.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createAccountsClient, MeDocument } from '../../../src/accounts'
import { createAccountsRelayClient } from '../../../src/accounts'
import { createExperienceClient } from '../../../src/experience'
import { AuthError } from '../../../src/index'
import { createOtpClient } from '../../../src/otp'
import { createPlatformClient, LoginDocument } from '../../../src/platform'

const baseUrl = 'http://backend.test'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln'
const rejection = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error)

describe('otp client', () => {
  it('rejects a 200 login answer whose idToken is a number, naming the operation and the path', async () => {
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ idToken: 42, refreshToken: SECRET })))
    const error = await rejection(createOtpClient({ baseUrl }, { validate: true }).POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } }))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'contract', code: 'contract_violation', retryable: false, status: 200, details: { '$.idToken': ['expected string'] } })
    expect((error as Error).message).toBe('The otp API answered POST /auth/login outside its contract at $.idToken: expected string.')
    expect(JSON.stringify(error)).not.toContain(SECRET)
  })

  it('rejects extra nesting (strict objects) and a missing field', async () => {
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ data: { idToken: SECRET, refreshToken: SECRET } })))
    const error = (await rejection(createOtpClient({ baseUrl }, { validate: true }).POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } }))) as AuthError
    expect(Object.keys(error.details ?? {}).sort()).toEqual(['$', '$.idToken', '$.refreshToken'])
    expect(error.details?.['$']).toEqual(['unexpected key data'])
  })

  it('rejects an undocumented status and a non-JSON body where JSON is documented', async () => {
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => new HttpResponse('teapot', { status: 418 })))
    await expect(createOtpClient({ baseUrl }, { validate: true }).POST('/auth/login/refresh', { body: { refreshToken: 'r' } })).rejects.toMatchObject({
      kind: 'contract',
      message: 'The otp API answered POST /auth/login/refresh outside its contract at $: status 418 is not documented.',
    })
    server.use(http.post(`${baseUrl}/auth/login/refresh`, () => new HttpResponse('<html>', { status: 200 })))
    await expect(createOtpClient({ baseUrl }, { validate: true }).POST('/auth/login/refresh', { body: { refreshToken: 'r' } })).rejects.toMatchObject({
      details: { $: ['not JSON'] },
    })
  })

  it('passes a conforming answer (and a documented error) through unchanged', async () => {
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ idToken: SECRET, refreshToken: 'r' })))
    const client = createOtpClient({ baseUrl }, { validate: true })
    const { data } = await client.POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } })
    expect(data).toEqual({ idToken: SECRET, refreshToken: 'r' })
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ message: 'no', code: 'authentication_error' }, { status: 403 })))
    const { error } = await client.POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } })
    expect(error).toEqual({ message: 'no', code: 'authentication_error' })
  })

  it('validate: false passes a drifted answer through as before, whatever NODE_ENV says', async () => {
    server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ idToken: 42 })))
    const { data } = await createOtpClient({ baseUrl }, { validate: false }).POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } })
    expect(data).toEqual({ idToken: 42 })
  })
})

describe('the default follows the build: process.env.NODE_ENV', () => {
  afterEach(() => vi.unstubAllEnvs())
  const drifted = () => server.use(http.post(`${baseUrl}/auth/login`, () => HttpResponse.json({ idToken: 42 })))
  const login = (client: ReturnType<typeof createOtpClient>) => client.POST('/auth/login', { body: { email: 'a@example.com', password: 'pw' } })
  const graphqlClients = () => [
    createPlatformClient({ baseUrl }),
    createAccountsClient({ baseUrl }),
    createAccountsRelayClient({ baseUrl }),
  ]

  it.each(['development', 'test', ''])("on when NODE_ENV is '%s': a drifted answer rejects with kind contract", async (env) => {
    vi.stubEnv('NODE_ENV', env)
    drifted()
    await expect(login(createOtpClient({ baseUrl }))).rejects.toMatchObject({ kind: 'contract', code: 'contract_violation', details: { '$.idToken': ['expected string'] } })
    server.use(http.get(`${baseUrl}/api/experience/sso-connectors`, () => HttpResponse.json({ connectorIds: [7] })))
    await expect(createExperienceClient({ baseUrl }).GET('/api/experience/sso-connectors', { params: { query: { email: 'a@example.com' } } })).rejects.toMatchObject({ kind: 'contract' })
    server.use(http.post(`${baseUrl}/*`, () => HttpResponse.json({ data: { login: { token: 1 }, me: { id: 1 } } })))
    const [platform, accounts] = graphqlClients()
    await expect(platform!.request(LoginDocument, { credentials: { email: 'a@example.com', password: 'pw' } })).rejects.toMatchObject({ kind: 'contract' })
    await expect(accounts!.request(MeDocument)).rejects.toMatchObject({ kind: 'contract' })
  })

  it("off when NODE_ENV is 'production': the drifted answer is passed through", async () => {
    vi.stubEnv('NODE_ENV', 'production')
    drifted()
    const { data } = await login(createOtpClient({ baseUrl }))
    expect(data).toEqual({ idToken: 42 })
    server.use(http.post(`${baseUrl}/*`, () => HttpResponse.json({ data: { login: { token: 1 } } })))
    await expect(graphqlClients()[0]!.request(LoginDocument, { credentials: { email: 'a@example.com', password: 'pw' } })).resolves.toEqual({ login: { token: 1 } })
  })

  it("validate: true in a production build (a staging deploy, a Node service) still checks every client's answers", async () => {
    vi.stubEnv('NODE_ENV', 'production')
    drifted()
    await expect(login(createOtpClient({ baseUrl }, { validate: true }))).rejects.toMatchObject({ kind: 'contract', details: { '$.idToken': ['expected string'] } })
    server.use(http.get(`${baseUrl}/api/experience/sso-connectors`, () => HttpResponse.json({ connectorIds: [7] })))
    await expect(createExperienceClient({ baseUrl }, { validate: true }).GET('/api/experience/sso-connectors', { params: { query: { email: 'a@example.com' } } })).rejects.toMatchObject({ kind: 'contract' })
    server.use(http.post(`${baseUrl}/*`, () => HttpResponse.json({ data: { login: { token: 1 }, me: { id: 1 } } })))
    await expect(createPlatformClient({ baseUrl }, { validate: true }).request(LoginDocument, { credentials: { email: 'a@example.com', password: 'pw' } })).rejects.toMatchObject({ kind: 'contract' })
    await expect(createAccountsClient({ baseUrl }, { validate: true }).request(MeDocument)).rejects.toMatchObject({ kind: 'contract' })
    await expect(createAccountsRelayClient({ baseUrl }, { validate: true }).request(MeDocument)).rejects.toMatchObject({ kind: 'contract' })
  })

  it('no process at all (a page without a bundler) counts as production: off unless validate: true', async () => {
    vi.stubGlobal('process', undefined)
    let client: ReturnType<typeof createOtpClient>
    let checked: ReturnType<typeof createOtpClient>
    try {
      client = createOtpClient({ baseUrl })
      checked = createOtpClient({ baseUrl }, { validate: true })
    } finally {
      vi.unstubAllGlobals()
    }
    drifted()
    const { data } = await login(client)
    expect(data).toEqual({ idToken: 42 })
    await expect(login(checked)).rejects.toMatchObject({ kind: 'contract' })
  })
})

describe('experience client', () => {
  it('rejects an answer whose array holds a wrong item, with the index in the path', async () => {
    server.use(http.get(`${baseUrl}/api/experience/sso-connectors`, () => HttpResponse.json({ connectorIds: ['a', 7] })))
    await expect(createExperienceClient({ baseUrl }, { validate: true }).GET('/api/experience/sso-connectors', { params: { query: { email: 'a@example.com' } } })).rejects.toMatchObject({
      kind: 'contract',
      message: 'The experience API answered GET /api/experience/sso-connectors outside its contract at $.connectorIds[1]: expected string.',
    })
  })
})

describe('GraphQL clients', () => {
  it('platform: a Login result whose token is a number is rejected with $.login.token', async () => {
    server.use(http.post(`${baseUrl}/api/graphql`, () => HttpResponse.json({ data: { login: { token: 123 } } })))
    const error = (await rejection(
      createPlatformClient({ baseUrl }, { validate: true }).request(LoginDocument, { credentials: { email: 'a@example.com', password: 'pw' } }),
    )) as AuthError
    expect(error).toMatchObject({ kind: 'contract', code: 'contract_violation' })
    expect(error.message).toMatch(/^The platform API answered Login outside its contract at \$\.login\.\w+: /)
    expect(error.details?.['$.login.token']).toEqual(['expected string'])
  })

  it('accounts: a `me` without its required fields is rejected; a conforming one passes', async () => {
    const user = { id: 'VXNlck5vZGU6MQ==', lastLogin: null, username: 'ann', firstName: '', lastName: '', email: 'a@example.com', isStaff: false, isActive: true, dateJoined: '2026-01-01T00:00:00Z', pk: 1, archived: false, verified: true, secondaryEmail: null }
    server.use(http.post(`${baseUrl}/graphql`, () => HttpResponse.json({ data: { me: { me: user } } })))
    const client = createAccountsClient({ baseUrl }, { validate: true })
    const error = (await rejection(client.request(MeDocument))) as AuthError
    expect(error).toMatchObject({ kind: 'contract' })
    expect(error.message).toContain('answered Me outside its contract at $.me.')
    server.use(http.post(`${baseUrl}/graphql`, () => HttpResponse.json({ data: { me: user } })))
    await expect(client.request(MeDocument)).resolves.toEqual({ me: user })
  })

  it('accounts relay: a query (a classic document, the Query type both schemas share) is checked too', async () => {
    const user = { id: 'VXNlck5vZGU6MQ==', lastLogin: null, username: 'ann', firstName: '', lastName: '', email: 'a@example.com', isStaff: false, isActive: true, dateJoined: '2026-01-01T00:00:00Z', pk: 1, archived: false, verified: true, secondaryEmail: null }
    const client = createAccountsRelayClient({ baseUrl }, { validate: true })
    server.use(http.post(`${baseUrl}/graphql/relay`, () => HttpResponse.json({ data: { me: { ...user, username: 7 } } })))
    await expect(client.request(MeDocument)).rejects.toMatchObject({ kind: 'contract', details: { '$.me.username': ['expected string'] } })
    server.use(http.post(`${baseUrl}/graphql/relay`, () => HttpResponse.json({ data: { me: user } })))
    await expect(client.request(MeDocument)).resolves.toEqual({ me: user })
  })
})
