#!/usr/bin/env node
/**
 * `portcullis-verify --base-url <url>`: runs the contract scenarios (see `verify()`), prints the
 * human report and writes the JSON / JUnit ones. Exit 0 when nothing failed, 1 when something
 * did, 2 for a usage error.
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Secret, TOTP } from 'otpauth'
import { SURFACES, type CodeSource, type SurfaceName } from './context'
import { toHuman, toJson, toJUnit, verify, type VerifyOptions } from './index'

const USAGE = `Usage: portcullis-verify --base-url <url> [options]

  --base-url <url>          the backend: the reference mock, or your staging deployment
  --surface <name>          ${SURFACES.join(' | ')} (repeatable; default all)
  --reporter <name>         human | json | junit (repeatable; human is always printed)
  --output-dir <dir>        where json and junit reports go (default .): portcullis-verify.json,
                            portcullis-verify.junit.xml
  --email <address>         the account scenarios sign in with (off the mock; the mock gets a
  --password <password>     fresh user per scenario). Or PORTCULLIS_VERIFY_PASSWORD.
  --2fa-email <address>     an account with an emailed / TOTP second factor, for the 2FA scenarios
  --2fa-password <pw>       (or PORTCULLIS_VERIFY_2FA_PASSWORD)
  --code-totp <base32>      second-factor codes from this TOTP secret
  --code-command <cmd>      second-factor codes from a command's stdout (run by the shell with
                            PORTCULLIS_CODE_EMAIL, PORTCULLIS_CODE_SURFACE, PORTCULLIS_CODE_PURPOSE)
                            (default on the mock: its outbox)
  --allow-writes            also run scenarios that change data or settings (enrol a factor ...)
  --experience-client-id <id>        the OIDC client for the experience scenarios (default: the
  --experience-redirect-uri <uri>    mock's demo client portcullis-demo)
  -h, --help                show this help
`

function fail(message: string): never {
  process.stderr.write(`portcullis-verify: ${message}\n\n${USAGE}`)
  process.exit(2)
}

function codeSource(totp?: string, command?: string): CodeSource | undefined {
  if (totp) {
    const generator = new TOTP({ secret: Secret.fromBase32(totp) })
    return async () => generator.generate()
  }
  if (command) {
    return (request) =>
      new Promise((resolve, reject) => {
        const env = { ...process.env, PORTCULLIS_CODE_EMAIL: request.email, PORTCULLIS_CODE_SURFACE: request.surface, PORTCULLIS_CODE_PURPOSE: request.purpose }
        execFile(process.env['SHELL'] || '/bin/sh', ['-c', command], { env, timeout: 120_000 }, (error, stdout) => {
          const code = String(stdout).trim()
          if (error || !code) reject(new Error('the code command gave no code'))
          else resolve(code)
        })
      })
  }
  return undefined
}

async function main(): Promise<void> {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        'base-url': { type: 'string' },
        surface: { type: 'string', multiple: true },
        reporter: { type: 'string', multiple: true },
        'output-dir': { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        '2fa-email': { type: 'string' },
        '2fa-password': { type: 'string' },
        'code-totp': { type: 'string' },
        'code-command': { type: 'string' },
        'allow-writes': { type: 'boolean' },
        'experience-client-id': { type: 'string' },
        'experience-redirect-uri': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const baseUrl = values['base-url']
  if (!baseUrl || !/^https?:\/\//.test(baseUrl)) fail('--base-url must be an http(s) URL')
  const surfaces = values.surface as SurfaceName[] | undefined
  for (const surface of surfaces ?? []) if (!SURFACES.includes(surface)) fail(`unknown surface ${surface}`)
  const reporters = new Set(values.reporter ?? [])
  for (const reporter of reporters) if (!['human', 'json', 'junit'].includes(reporter)) fail(`unknown reporter ${reporter}`)
  const password = values.password ?? process.env['PORTCULLIS_VERIFY_PASSWORD']
  const password2 = values['2fa-password'] ?? process.env['PORTCULLIS_VERIFY_2FA_PASSWORD']
  const clientId = values['experience-client-id']
  const redirectUri = values['experience-redirect-uri']
  if (!!clientId !== !!redirectUri) fail('--experience-client-id and --experience-redirect-uri go together')

  const options: VerifyOptions = {
    baseUrl,
    ...(surfaces && { surfaces }),
    ...(values.email && password && { account: { email: values.email, password } }),
    ...(values['2fa-email'] && password2 && { twoFactorAccount: { email: values['2fa-email'], password: password2 } }),
    ...(values['allow-writes'] && { allowWrites: true }),
    ...(clientId && redirectUri && { experienceClient: { clientId, redirectUri } }),
  }
  const code = codeSource(values['code-totp'], values['code-command'])
  if (code) options.code = code

  const report = await verify(options)
  process.stdout.write(toHuman(report))
  const dir = values['output-dir'] ?? '.'
  if (reporters.has('json') || reporters.has('junit')) await mkdir(dir, { recursive: true })
  if (reporters.has('json')) await writeFile(join(dir, 'portcullis-verify.json'), toJson(report))
  if (reporters.has('junit')) await writeFile(join(dir, 'portcullis-verify.junit.xml'), toJUnit(report))
  process.exitCode = report.passed ? 0 : 1
}

main().catch((error: unknown) => {
  process.stderr.write(`portcullis-verify: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
