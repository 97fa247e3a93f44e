/**
 * The package as an app installs it: `npm pack` (which builds dist/ through `prepack`), then
 * `npm install <tarball>` into a fresh project from the npm cache, then what a new team does
 * first: `npx portcullis-mock`, an ESM and a CommonJS script against it, and a consumer of every
 * entry compiled by TypeScript 5.9 and 7 with `skipLibCheck: false` under each module resolution.
 * Slow (a build and an install), so it is one file with one setup.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>
  peerDependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const compilers = {
  'TypeScript 5.9': join(root, 'node_modules/typescript/bin/tsc'),
  'TypeScript 7': join(root, 'test/package/typescript-7/node_modules/typescript/bin/tsc'),
}

let work: string
let app: string
let installLog: string
let pkgDir: string

/** npm with the cache first: the tarball's dependencies are the ones `npm ci` just installed. */
async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } })
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-installed-'))
  // prepack's build output shares stdout with npm pack's, so the tarball is found on disk.
  await run('npm', ['pack', '--pack-destination', work], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
  const tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz'))!)
  app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  const install = await npm(['install', tarball], app)
  installLog = install.stdout + install.stderr
  pkgDir = join(app, 'node_modules/portcullis')
}, 600_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

/** Import specifiers in built JS: all of them, and those loaded up front (no `import()`). */
const ANY_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s*)['"]([^'"]+)['"]/gm
const STATIC_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|^import\s*)['"]([^'"]+)['"]/gm

/** The files and packages `file` reaches; with `staticOnly`, not through `import()` (what loads up front). */
function importClosure(file: string, staticOnly = false): { files: string[]; packages: Set<string> } {
  const files: string[] = []
  const packages = new Set<string>()
  const visit = (path: string) => {
    if (files.includes(path)) return
    files.push(path)
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(staticOnly ? STATIC_IMPORT : ANY_IMPORT)) {
      if (specifier!.startsWith('.')) visit(resolve(dirname(path), specifier!))
      else packages.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!)
    }
  }
  visit(file)
  return { files, packages }
}

describe('the packed tarball, installed into a fresh project', () => {
  it('installs quietly and ships dist without source maps, with LICENSE and CHANGELOG', () => {
    expect(installLog).not.toMatch(/EBADENGINE|ERESOLVE|npm (warn|error) peer/i)
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(relative(pkgDir, path))
      }
    }
    walk(pkgDir)
    expect(files).toContain('dist/index.js')
    expect(files).toContain('dist/mock/cli.js')
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md']))
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
    expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    // msw is an optional peer: nothing in a plain install brings it.
    expect(existsSync(join(app, 'node_modules/msw'))).toBe(false)
  })

  it('SDK entries import no mock code: only their own client libraries, and REST entries no graphql', () => {
    // zod (the generated zod/mini schemas) only behind the typed clients' contract check, a
    // dynamic import: checked below to load nothing up front.
    const expected: Record<string, string[]> = {
      'index.js': [],
      'index.cjs': [],
      'platform/index.js': ['zod'],
      'accounts/index.js': ['zod'],
      'otp/index.js': ['openapi-fetch', 'zod'],
      'otp/index.cjs': ['openapi-fetch', 'zod'],
      // jose: the ID-token check, in the chunk the first signIn() loads.
      'experience/index.js': ['jose', 'openapi-fetch', 'zod'],
      'experience/node.js': ['jose', 'openapi-fetch', 'tough-cookie', 'zod'],
      'server/index.js': ['jose'],
    }
    for (const entry of Object.keys(expected)) expect([...importClosure(join(pkgDir, 'dist', entry), true).packages], `${entry} up front`).not.toContain('zod')
    for (const [entry, packages] of Object.entries(expected)) {
      const closure = importClosure(join(pkgDir, 'dist', entry))
      expect([...closure.packages].sort(), entry).toEqual(packages)
      // The shared chunks hold no mock code either (the mock's identity store, its control API).
      for (const file of closure.files) expect(readFileSync(file, 'utf8'), `${entry} → ${relative(pkgDir, file)}`).not.toMatch(/__mock\/outbox|PORTCULLISDEMOTOTPSECRET/)
    }
    // …while the mock entries do carry the mock: the check above would see it.
    expect([...importClosure(join(pkgDir, 'dist/mock/node.js')).packages]).toEqual(expect.arrayContaining(['graphql', 'graphql-http', 'ajv', 'otpauth']))
  })

  describe('against `npx portcullis-mock` (no extra installs)', () => {
    let mock: ChildProcess
    let url: string
    let banner = ''

    beforeAll(async () => {
      mock = spawn('npx', ['--no-install', 'portcullis-mock', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      let stderr = ''
      mock.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const lines = createInterface({ input: mock.stdout! })
      url = await new Promise<string>((resolveUrl, reject) => {
        mock.once('exit', (code) => reject(new Error(`portcullis-mock exited (${code}): ${stderr}`)))
        lines.on('line', (line) => {
          banner += `${line}\n`
          const match = /^Portcullis mock listening on (\S+)/.exec(line)
          if (match) resolveUrl(match[1]!)
        })
      })
      // The banner is printed in one write: give it a moment to arrive whole.
      await new Promise((done) => setTimeout(done, 200))
    }, 60_000)

    afterAll(async () => {
      if (mock?.exitCode === null) {
        const exited = new Promise((done) => mock.once('exit', done))
        process.kill(-mock.pid!, 'SIGTERM')
        await exited
      }
    })

    it('serves the backend and prints carol’s TOTP secret once', async () => {
      const jwks = await fetch(`${url}/.well-known/jwks.json`)
      expect(jwks.status).toBe(200)
      expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0)
      expect(banner.match(/PORTCULLISDEMOTOTPSECRETKEY23456/g)).toHaveLength(1)
    })

    it('an ESM script signs in, calls the typed GraphQL client and verifies the token', async () => {
      writeFileSync(
        join(app, 'esm.mjs'),
        `import { AuthClient, memoryStorage } from 'portcullis'
import { createPlatformClient, platformApi, UserProfileDocument } from 'portcullis/platform'
import { verifyAccessToken } from 'portcullis/server'
const baseUrl = process.argv[2]
const auth = new AuthClient({ baseUrl, api: platformApi(), storage: memoryStorage() })
const result = await auth.signIn({ email: 'alice@example.com', password: 'portcullis-demo' })
const { userProfile } = await createPlatformClient(auth).request(UserProfileDocument)
const claims = await verifyAccessToken(await auth.getAccessToken(), { jwksUrl: baseUrl + '/.well-known/jwks.json', issuer: false, audience: false })
console.log(JSON.stringify({ status: result.status, firstName: userProfile?.firstName, sub: typeof claims.sub }))
auth.dispose()
`,
      )
      const { stdout } = await run('node', ['esm.mjs', url], { cwd: app })
      expect(JSON.parse(stdout)).toEqual({ status: 'signedIn', firstName: 'Alice', sub: 'string' })
    })

    it('a CommonJS script signs in over otp and calls the typed REST client', async () => {
      writeFileSync(
        join(app, 'cjs.cjs'),
        `const { AuthClient, memoryStorage } = require('portcullis')
const { createOtpClient, otpApi } = require('portcullis/otp')
const baseUrl = process.argv[2]
async function main() {
  const auth = new AuthClient({ baseUrl, api: otpApi(), storage: memoryStorage() })
  const result = await auth.signIn({ email: 'alice@example.com', password: 'portcullis-demo' })
  const { response } = await createOtpClient(auth).GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } })
  console.log(JSON.stringify({ status: result.status, codeSent: response.ok }))
  auth.dispose()
}
main()
`,
      )
      const { stdout } = await run('node', ['cjs.cjs', url], { cwd: app })
      expect(JSON.parse(stdout)).toEqual({ status: 'signedIn', codeSent: true })
    })
  })

  describe('types: tsc --strict with skipLibCheck false, lib es2022 + dom, no @types/node', () => {
    beforeAll(async () => {
      // A plain install has no Node types at all…
      expect(existsSync(join(app, 'node_modules/@types/node'))).toBe(false)
      // …and the optional peers a consumer of every entry has (msw, for the mock entries), from the cache.
      const peers = Object.keys(rootPackage.peerDependencies).flatMap((name) =>
        [name, `@types/${name}`].filter((dep) => rootPackage.devDependencies[dep]).map((dep) => `${dep}@${rootPackage.devDependencies[dep]}`),
      )
      await npm(['install', '--no-save', ...peers], app)
      const entries = Object.keys(rootPackage.exports).filter((key) => key !== './package.json').map((key) => `portcullis${key.slice(1)}`)
      const consumer = `${entries.map((entry, i) => `import * as entry${i} from '${entry}'`).join('\n')}
import { AuthClient, memoryStorage, type AuthResult } from 'portcullis'
import { createPlatformClient, platformApi, UserProfileDocument } from 'portcullis/platform'
export const entries = [${entries.map((_, i) => `entry${i}`).join(', ')}]
export async function profile(): Promise<string | null | undefined> {
  const auth = new AuthClient({ baseUrl: 'https://auth.example.test', api: platformApi(), storage: memoryStorage() })
  const result: AuthResult = await auth.signIn({ email: 'a@example.test', password: 'x' })
  if (result.status !== 'signedIn') return null
  return (await createPlatformClient(auth).request(UserProfileDocument)).userProfile?.firstName
}
`
      for (const ext of ['ts', 'mts', 'cts']) writeFileSync(join(app, `consumer.${ext}`), consumer)
    }, 300_000)

    const setups = [
      { name: 'bundler', module: 'preserve', moduleResolution: 'bundler', file: 'consumer.ts' },
      { name: 'node16 ESM', module: 'node16', moduleResolution: 'node16', file: 'consumer.mts' },
      { name: 'node16 CJS', module: 'node16', moduleResolution: 'node16', file: 'consumer.cts' },
      { name: 'nodenext ESM', module: 'nodenext', moduleResolution: 'nodenext', file: 'consumer.mts' },
      { name: 'nodenext CJS', module: 'nodenext', moduleResolution: 'nodenext', file: 'consumer.cts' },
    ]
    const cases = Object.entries(compilers).flatMap(([compiler, tsc]) => setups.map((setup) => ({ ...setup, compiler, tsc })))

    it.each(cases)('$compiler, $name: a consumer of every entry compiles, without Node types', async ({ compiler, tsc, name, file, ...options }) => {
      const config = `tsconfig.${compiler.replace(/\W+/g, '')}.${name.replace(/\W+/g, '-')}.json`
      writeFileSync(
        join(app, config),
        JSON.stringify({
          // skipDefaultLibCheck: TypeScript's own lib files are not what is under test.
          compilerOptions: { ...options, target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, skipLibCheck: false, skipDefaultLibCheck: true, noEmit: true },
          files: [file],
        }),
      )
      const output = await run('node', [tsc, '-p', config, '--listFiles', '--pretty', 'false'], { cwd: app, maxBuffer: 64 * 1024 * 1024 }).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error),
      )
      const lines = output.split('\n').filter(Boolean)
      // --listFiles prints the program's files as absolute paths; anything else is a diagnostic.
      expect(lines.filter((line) => !line.startsWith('/'))).toEqual([])
      expect(lines.filter((line) => line.includes('/node_modules/@types/node/'))).toEqual([])
      expect(lines.some((line) => line.endsWith('/portcullis/dist/mock/browser.d.ts') || line.endsWith('/portcullis/dist/mock/browser.d.cts'))).toBe(true)
    }, 180_000)
  })
})
