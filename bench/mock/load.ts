/**
 * Throughput of the standalone mock against a bare node:http server started in the same run:
 * autocannon (c=10) on a protected REST read, a GraphQL query, the JWKS and a login, each route
 * run against both servers back to back so they share the machine's load at the time. On two
 * cores shared with the load generator, the bare server's own figure moves by 2× from one run to
 * the next, so each route runs `rounds` such pairs and reports the pair with the median ratio.
 */
import { DEMO_PASSWORD } from '../../mocks/demo-users'
import { hashPassword, PASSWORD_ITERATIONS } from '../../mocks/state/passwords'
import { fixed, json, liftCodeLimits, load, ratio, startBare, startMock, type BenchServer, type LoadFigures } from './http'

const LOW_ITERATIONS = 1000
const WARM_UP_REQUESTS = 3000
const USER = { email: 'alice@example.com', password: DEMO_PASSWORD }
const USER_PROFILE = JSON.stringify({ query: 'query UserProfile { userProfile { id username firstName lastName twoFactorAuth } }', operationName: 'UserProfile' })

interface Route {
  name: string
  method: 'GET' | 'POST'
  path: string
  body?: string
  headers?: Record<string, string>
}

/** Lifts the throttles a load test would hit (a code request per user per window) and signs alice in on both surfaces. */
async function prepare(mock: BenchServer): Promise<Route[]> {
  await liftCodeLimits(mock)
  const { idToken } = await json<{ idToken: string }>(`${mock.url}/auth/login`, { method: 'POST', body: JSON.stringify(USER) })
  const login = await json<{ data: { login: { token: string } } }>(`${mock.url}/api/graphql`, {
    method: 'POST',
    body: JSON.stringify({ query: `mutation { login(credentials: { email: "${USER.email}", password: "${USER.password}" }) { token } }` }),
  })
  const jsonHeaders = { 'content-type': 'application/json' }
  return [
    { name: 'protected REST read GET /auth/otp/code', method: 'GET', path: '/auth/otp/code?method=EMAIL', headers: { authorization: `Bearer ${idToken}` } },
    { name: 'GraphQL userProfile', method: 'POST', path: '/api/graphql', body: USER_PROFILE, headers: { ...jsonHeaders, authorization: `Bearer ${login.data.login.token}` } },
    { name: 'GET /.well-known/jwks.json', method: 'GET', path: '/.well-known/jwks.json' },
    { name: 'login POST /auth/login', method: 'POST', path: '/auth/login', body: JSON.stringify(USER), headers: jsonHeaders },
  ]
}

/** A login's CPU beyond its hash; the two are measured in different processes, so a small difference is noise. */
const beyond = (login: number, hash: number) => (login > hash ? `${fixed(login - hash)} µs` : 'none measurable')

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000))

/** CPU µs one hash takes in this process (median of 15), comparable with the servers' CPU per request. */
async function hashMicros(iterations: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    const start = process.cpuUsage()
    await hashPassword('bench-password', iterations)
    const used = process.cpuUsage(start)
    times.push(used.user + used.system)
  }
  return times.sort((a, b) => a - b)[7]!
}

function row(name: string, mock: LoadFigures, bare: LoadFigures): string {
  return [
    name.padEnd(40),
    `${fixed(mock.reqPerSec).padStart(7)} req/s (${ratio(mock.reqPerSec, bare.reqPerSec).padStart(6)} of ${fixed(bare.reqPerSec)})`,
    `p99 ${fixed(mock.p99Ms)} ms (bare ${fixed(bare.p99Ms)})`,
    `CPU ${fixed(mock.cpuPerRequestUs)} µs/req (${ratio(mock.cpuPerRequestUs, bare.cpuPerRequestUs)} of ${fixed(bare.cpuPerRequestUs)})`,
    mock.failures ? `${mock.failures} unexpected answers` : '',
  ].join('  ')
}

export async function runLoad(seconds: number, rounds: number): Promise<void> {
  console.log(`\n## Throughput: autocannon c=10, ${seconds} s per route and server, loopback; ratios to bare node:http in the same run (median of ${rounds} pairs)`)
  const bare = await startBare()
  const servers: BenchServer[] = [bare]
  try {
    const mock = await startMock()
    servers.push(mock)
    const lowCost = await startMock(['--password-iterations', String(LOW_ITERATIONS)])
    servers.push(lowCost)
    const routes = await prepare(mock)
    const results: Record<string, { mock: LoadFigures; bare: LoadFigures }> = {}
    for (const route of routes) {
      const options = { method: route.method, path: route.path, ...(route.body ? { body: route.body } : {}), ...(route.headers ? { headers: route.headers } : {}) }
      // Warm-up by request count, not time, so both servers are past JIT compilation even on a
      // loaded machine, where one second may be a few hundred requests (and the optimizing
      // compiler's CPU would be billed to the measured run).
      await load(mock, { ...options, amount: WARM_UP_REQUESTS })
      await load(bare, { ...options, amount: WARM_UP_REQUESTS })
      const pairs: Array<{ mock: LoadFigures; bare: LoadFigures }> = []
      for (let round = 0; round < rounds; round++) {
        // The bare run first, and a pause before each: the mock's garbage collector keeps working
        // in background threads after a run, which would slow a bare run started right after it.
        await settle()
        const bareFigures = await load(bare, { ...options, duration: seconds })
        await settle()
        pairs.push({ mock: await load(mock, { ...options, duration: seconds }), bare: bareFigures })
      }
      pairs.sort((a, b) => a.mock.reqPerSec / a.bare.reqPerSec - b.mock.reqPerSec / b.bare.reqPerSec)
      const figures = pairs[Math.floor(pairs.length / 2)]!
      results[route.name] = figures
      console.log(row(route.name, figures.mock, figures.bare))
    }
    const lowRoutes = await prepare(lowCost)
    const login = lowRoutes.at(-1)!
    const lowLogin = await load(lowCost, { method: 'POST', path: login.path, body: login.body!, headers: login.headers!, duration: seconds })
    console.log(row(`login at --password-iterations ${LOW_ITERATIONS}`, lowLogin, results[login.name]!.bare))

    const [hashDefault, hashLow] = [await hashMicros(PASSWORD_ITERATIONS), await hashMicros(LOW_ITERATIONS)]
    const loginDefault = results[login.name]!.mock
    console.log(
      `PBKDF2 (in this process): ${fixed(hashDefault)} µs at ${PASSWORD_ITERATIONS} iterations, ${fixed(hashLow)} µs at ${LOW_ITERATIONS}; ` +
        `login CPU beyond the hash: ${beyond(loginDefault.cpuPerRequestUs, hashDefault)} (default cost), ${beyond(lowLogin.cpuPerRequestUs, hashLow)} (low cost)`,
    )
    const at = (name: string) => results[name]!
    const jwks = at('GET /.well-known/jwks.json')
    const rest = at('protected REST read GET /auth/otp/code')
    const gql = at('GraphQL userProfile')
    console.log('Targets:')
    console.log(`  JWKS ≥ 0.40× bare:              ${ratio(jwks.mock.reqPerSec, jwks.bare.reqPerSec)}`)
    console.log(`  protected REST ≥ 0.25× bare:    ${ratio(rest.mock.reqPerSec, rest.bare.reqPerSec)}`)
    console.log(`  userProfile ≥ ~1,200 req/s:     ${fixed(gql.mock.reqPerSec)} req/s (${ratio(gql.mock.reqPerSec, gql.bare.reqPerSec)} of bare)`)
  } finally {
    for (const server of servers) await server.stop()
  }
}
