#!/usr/bin/env node
/**
 * `portcullis-mock`: runs the mock backend as a standalone server.
 * The first line printed is always `Portcullis mock listening on <url>` (scripts parse it).
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { parseNewUser } from './control/users'
import { DEMO_PASSWORD, demoUsers } from './demo-users'
import type { NewUser } from './state/types'
import { startMockServer } from './node'
import { DEMO_CLIENT_ID, DEMO_REDIRECT_URI } from './surfaces/experience/oidc/clients'

const USAGE = `Usage: portcullis-mock [--port 4010] [--host 127.0.0.1] [--seed users.json] [--cors-origin <origin>]...

  --port <n>             port to listen on (default 4010; 0 picks a free one)
  --host <addr>          address to bind (default 127.0.0.1; another address prints a warning:
                         the control API hands out codes and secrets to whoever reaches it)
  --seed <file>          JSON array of users (or { "users": [...] }) to seed instead of the demo users;
                         each as POST /__mock/users accepts: { email, username, password, ... }
  --cors-origin <url>    a browser origin besides loopback ones that may call the mock (repeatable)
  --allowed-host <name>  a Host name besides loopback ones and --host that requests may use (repeatable)
  --password-iterations <n>
                         PBKDF2 iterations per password hash (default 20000, ~5-10 ms a sign-in);
                         lower it (say 1000) for load tests, where it caps sign-ins per second
  -h, --help             show this help
`

/** Where each known surface listens, for the banner (only registered surfaces are printed). */
const SURFACE_ENDPOINTS: Record<string, string[]> = {
  platform: ['POST /api/graphql            GraphQL: login + emailed 2FA, tokens, password, 2FA'],
  accounts: ['POST /graphql                GraphQL (classic arguments)', 'POST /graphql/relay          GraphQL (relay input)'],
  experience: [
    '     /api/experience/*        REST interactions (Logto Experience API: passwords, codes, TOTP, WebAuthn, backup codes)',
    'GET  /oidc/.well-known/openid-configuration   OIDC discovery (issuer <url>/oidc)',
    'GET  /oidc/auth               starts an interaction (PKCE S256), 303 to /sign-in with the cookies',
    'GET  /sign-in                 the hosted sign-in page (password, TOTP / backup code)',
    'POST /oidc/token              authorization_code / refresh_token; /oidc/token/revocation, /oidc/me, /oidc/session/end, /oidc/jwks',
    `     demo client ${DEMO_CLIENT_ID} (public), redirect URI ${DEMO_REDIRECT_URI}`,
  ],
  otp: ['POST /auth/login              REST: JWT login/refresh, OTP methods and codes', '     /auth/*'],
}

const CONTROL_ENDPOINTS = [
  'GET        /__mock/                        the console page (open it in a browser)',
  'GET|DELETE /__mock/outbox[?to=&channel=]   sent emails/SMS with their codes and tokens',
  'GET|POST   /__mock/users                   list / create users',
  'POST       /__mock/reset                   back to the seeded state',
  'GET|POST   /__mock/clock                   { advanceMs } or { now }',
  'GET|PUT    /__mock/config                  backend settings (deep merge)',
  'GET|POST|DELETE /__mock/faults             { path, status?, body?, delayMs?, networkError?, times? }',
  'GET        /__mock/sessions[?userId=&live=] sign-in sessions of every surface',
  'GET|DELETE /__mock/requests[?path=]        what the backend received',
  'GET        /.well-known/jwks.json          token signing keys',
]

/** Far above any real setting (OWASP's 600,000): a typo here would stall every sign-in. */
const MAX_PASSWORD_ITERATIONS = 10_000_000

function fail(message: string, code = 2): never {
  process.stderr.write(`portcullis-mock: ${message}\n`)
  process.exit(code)
}

async function loadSeed(file: string): Promise<NewUser[]> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    fail(`cannot read seed file ${file}: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown } | null)?.users
  if (!Array.isArray(list)) fail(`seed file ${file} must hold a JSON array of users or { "users": [...] }`, 1)
  return list.map((entry, i) => {
    const user = parseNewUser(entry)
    if (!user.ok) fail(`seed file ${file}, user #${i}: ${user.message}`, 1)
    return user.user
  })
}

function banner(url: string, surfaceNames: string[], seed: NewUser[] | undefined): string {
  const lines = [`Portcullis mock listening on ${url}`, `Console: ${url}/__mock/`, '', 'Surfaces']
  for (const name of surfaceNames) {
    const endpoints = SURFACE_ENDPOINTS[name] ?? []
    lines.push(`  ${name}`)
    for (const endpoint of endpoints) lines.push(`    ${endpoint}`)
  }
  lines.push('', 'Control API', ...CONTROL_ENDPOINTS.map((line) => `  ${line}`), '')
  if (seed) {
    // Seeded from a file: show who exists, never their passwords.
    lines.push(`Seeded users (${seed.length})`, ...seed.map((u) => `  ${u.email ?? u.username ?? u.phone ?? '(no identifier)'}`))
  } else {
    lines.push(`Demo users (password "${DEMO_PASSWORD}")`)
    // carol's TOTP secret is part of her description: printed once.
    for (const user of demoUsers) lines.push(`  ${user.email.padEnd(20)} ${user.username.padEnd(6)} ${user.description}`)
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  let values: {
    port?: string
    host?: string
    seed?: string
    'cors-origin'?: string[]
    'allowed-host'?: string[]
    'password-iterations'?: string
    help?: boolean
  }
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'allowed-host': { type: 'string', multiple: true },
        'password-iterations': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const port = Number(values.port ?? 4010)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be an integer from 0 to 65535\n\n${USAGE}`)
  const iterations = values['password-iterations'] === undefined ? undefined : Number(values['password-iterations'])
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations >= 1 && iterations <= MAX_PASSWORD_ITERATIONS)) {
    fail(`--password-iterations must be an integer from 1 to ${MAX_PASSWORD_ITERATIONS}\n\n${USAGE}`)
  }
  const seed = values.seed ? await loadSeed(values.seed) : undefined
  const corsOrigins = (values['cors-origin'] ?? []).map((origin) => {
    try {
      const parsed = new URL(origin)
      if (parsed.origin === 'null' || parsed.origin !== origin.replace(/\/$/, '')) throw new Error('not an origin')
      return parsed.origin
    } catch {
      return fail(`--cors-origin must be an origin such as https://app.example.test, not ${JSON.stringify(origin)}\n\n${USAGE}`)
    }
  })

  // Handlers first: a signal that arrives while starting (or right after the URL line is
  // printed) must still end in a clean exit, not the default kill.
  let server: Awaited<ReturnType<typeof startMockServer>> | undefined
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping || !server) process.exit(0)
    stopping = true
    process.stdout.write(`\n${signal}: stopping the Portcullis mock\n`)
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  try {
    server = await startMockServer({
      port,
      host: values.host ?? '127.0.0.1',
      corsOrigins,
      allowedHosts: values['allowed-host'] ?? [],
      ...(seed ? { seed } : {}),
      ...(iterations !== undefined ? { passwordIterations: iterations } : {}),
    })
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 1)
  }
  process.stdout.write(banner(server.url, server.mock.backend.surfaces.map((s) => s.name), seed))
}

void main()
