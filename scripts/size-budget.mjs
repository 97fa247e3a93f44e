#!/usr/bin/env node
/**
 * `npm run size` — the bundle a browser app ships for one sign-in setup, measured the way an app
 * bundler would build it: esbuild, ESM, browser platform, minified, tree-shaken, every dependency
 * bundled in, then gzip (zlib, level 9).
 *
 *   node scripts/size-budget.mjs            # from src/ entry files (default; no build needed)
 *   node scripts/size-budget.mjs --dist     # from the built dist/ files (after `npm run build`)
 *   node scripts/size-budget.mjs --dist out # from another tsup output folder
 *   node scripts/size-budget.mjs --top 12   # how many of the largest inputs to list per bundle
 *
 * Fails (exit 1) when a budgeted bundle is over its limit, or when a sign-in bundle carries a
 * module it must not (graphql-js, graphql-request, jose, openapi-fetch, zod, generated documents),
 * or the Quickstart bundle (typed GraphQL client) carries graphql-js.
 */
import { gzipSync } from 'node:zlib'
import { existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { graphqlLite } from './esbuild-graphql-lite.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const distIndex = args.indexOf('--dist')
const fromDist = distIndex >= 0
const distDir = resolve(root, fromDist && args[distIndex + 1] && !args[distIndex + 1].startsWith('--') ? args[distIndex + 1] : 'dist')
const topIndex = args.indexOf('--top')
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 8
const KB = 1024

/**
 * Modules that must never reach a bundle that only signs in: the libraries the typed clients and
 * server-side verification use, and generated code (the adapters import only its types; the
 * platform adapter sends its own trimmed documents, not the generated ones that select every field).
 */
const FORBIDDEN = [
  /node_modules\/graphql\//,
  /node_modules\/graphql-request\//,
  /node_modules\/jose\//,
  /node_modules\/openapi-fetch\//,
  /node_modules\/zod\//,
  /src\/generated\//,
  // The Node cookie jar (tough-cookie and its public-suffix list) never reaches a page.
  /node_modules\/(tough-cookie|tldts)/,
]

/** Every bundle is a production build, as an app bundler makes one (`process.env.NODE_ENV` replaced). */
const cases = [
  {
    name: 'AuthClient + otpApi',
    code: `import { AuthClient } from 'portcullis'\nimport { otpApi } from 'portcullis/otp'\nexport { AuthClient, otpApi }`,
    budget: 8 * KB,
    signInOnly: true,
  },
  {
    name: 'AuthClient + platformApi',
    code: `import { AuthClient } from 'portcullis'\nimport { platformApi } from 'portcullis/platform'\nexport { AuthClient, platformApi }`,
    budget: 8 * KB,
    signInOnly: true,
  },
  {
    name: 'AuthClient + experienceApi',
    code: `import { AuthClient } from 'portcullis'\nimport { experienceApi } from 'portcullis/experience'\nexport { AuthClient, experienceApi }`,
    budget: 8 * KB,
    signInOnly: true,
  },
  {
    name: 'AuthClient + accountsApi',
    code: `import { AuthClient } from 'portcullis'\nimport { accountsApi } from 'portcullis/accounts'\nexport { AuthClient, accountsApi }`,
    budget: 8 * KB,
    signInOnly: true,
  },
  {
    // The README Quickstart's own import set: what an app that follows it ships.
    name: 'Quickstart: AuthClient + platformApi + createPlatformClient + UserProfileDocument',
    code: `import { AuthClient, AuthError } from 'portcullis'\nimport { createPlatformClient, platformApi, UserProfileDocument } from 'portcullis/platform'\nexport { AuthClient, AuthError, createPlatformClient, platformApi, UserProfileDocument }`,
    budget: 11.5 * KB,
    forbid: [/node_modules\/graphql\//, /node_modules\/zod\//, /src\/generated\/[^/]+\/zod\.ts$/],
  },
  // For information only (no budget): what the typed clients and server-side verification add.
  { name: 'AuthClient (core alone)', code: `export { AuthClient } from 'portcullis'` },
  { name: 'AuthClient + otpApi + createOtpClient', code: `export { AuthClient } from 'portcullis'\nexport { otpApi, createOtpClient } from 'portcullis/otp'` },
  {
    name: 'AuthClient + accountsApi + every account flow',
    code: `export { AuthClient } from 'portcullis'\nexport { accountsApi, register, verifyAccount, resendActivationEmail, sendPasswordResetEmail, resetPassword, setPassword, changePassword, updateAccount, archiveAccount, deleteAccount, sendSecondaryEmailActivation, verifySecondaryEmail, swapEmails, removeSecondaryEmail } from 'portcullis/accounts'`,
  },
  { name: 'verifyAccessToken (portcullis/server)', code: `export { verifyAccessToken } from 'portcullis/server'` },
  // Its own budget, apart from the core's: the provider and hooks alone (react is the app's, not counted).
  {
    name: 'portcullis/react (provider + hooks)',
    code: `export { AuthProvider, useAuth, useSession, useChallenge, useAccessToken, useAuthClient } from 'portcullis/react'`,
    budget: 2 * KB,
    external: ['react'],
  },
]

/** `portcullis[/sub]` → src/index.ts | src/<sub>/index.ts (or the dist/ equivalents). */
const selfReference = {
  name: 'portcullis-self-reference',
  setup(b) {
    b.onResolve({ filter: /^portcullis(\/.*)?$/ }, ({ path }) => {
      const sub = path.slice('portcullis'.length).replace(/^\//, '')
      const file = fromDist ? join(distDir, sub, 'index.js') : join(root, 'src', sub, 'index.ts')
      if (!existsSync(file)) return { errors: [{ text: `${path}: ${relative(root, file)} does not exist${fromDist ? ' (run npm run build)' : ''}` }] }
      return { path: file }
    })
  },
}

/**
 * Code split out behind a dynamic `import()` (steps a plain sign-in rarely needs) is a separate
 * chunk, as an app bundler would emit it: the budget counts the entry chunk, and the lazy chunks
 * are listed next to it.
 */
async function measure(entry) {
  const result = await build({
    // A JS entry (not TS) so that importing a name an entry does not export is a build error.
    stdin: { contents: entry.code, resolveDir: root, loader: 'js', sourcefile: 'size-entry.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    splitting: true,
    outdir: join(root, '.size-out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    external: entry.external ?? [],
    define: { 'process.env.NODE_ENV': '"production"' },
    // As tsup builds dist/: graphql-request bundled with the graphql-js stand-in.
    plugins: [selfReference, graphqlLite],
  })
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'))
  const code = (file) => result.outputFiles.find((out) => out.path === resolve(root, file)).contents
  const [entryFile, output] = outputs.find(([, info]) => info.entryPoint)
  const lazy = outputs
    .filter(([file]) => file !== entryFile && !output.imports.some((imported) => imported.path === file && imported.kind === 'import-statement'))
    .map(([file]) => ({ file: relative(root, resolve(root, file)), gzip: gzipSync(code(file), { level: 9 }).byteLength }))
  // Chunks the entry imports statically load with it: they count.
  const eager = [entryFile, ...output.imports.filter((imported) => imported.kind === 'import-statement' && !imported.external).map((imported) => imported.path)]
  const bytes = eager.map((file) => code(file))
  const joined = Buffer.concat(bytes.map((b) => Buffer.from(b)))
  const inputs = eager
    .flatMap((file) => Object.entries(result.metafile.outputs[file].inputs))
    .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  return { min: joined.byteLength, gzip: gzipSync(joined, { level: 9 }).byteLength, inputs, lazy }
}

const kb = (bytes) => `${(bytes / KB).toFixed(2)} KB`
let failed = false
const rows = []

for (const entry of cases) {
  let size
  try {
    size = await measure(entry)
  } catch (error) {
    const messages = error?.errors?.map((e) => e.text).join('; ') ?? String(error)
    console.error(`✗ ${entry.name}: build failed: ${messages}`)
    if (entry.budget) failed = true
    continue
  }
  const over = entry.budget !== undefined && size.gzip > entry.budget
  const rules = entry.signInOnly ? FORBIDDEN : (entry.forbid ?? [])
  const forbidden = size.inputs.filter((input) => rules.some((re) => re.test(input.file)))
  if (over || forbidden.length) failed = true
  rows.push({
    bundle: entry.name,
    min: kb(size.min),
    'min+gzip': kb(size.gzip),
    budget: entry.budget ? kb(entry.budget) : '—',
    status: entry.budget === undefined ? 'info' : over ? 'OVER' : forbidden.length ? 'FORBIDDEN INPUT' : 'ok',
  })
  console.log(`\n${entry.name}: ${kb(size.min)} min, ${kb(size.gzip)} min+gzip${entry.budget ? ` (budget ${kb(entry.budget)})` : ''}`)
  for (const input of size.inputs.slice(0, top)) console.log(`  ${String(input.bytes).padStart(7)} B  ${input.file}`)
  for (const input of forbidden) console.log(`  ✗ must not be in this bundle: ${input.file}`)
  for (const chunk of size.lazy) console.log(`  + lazy chunk ${kb(chunk.gzip)} min+gzip (loaded on first use): ${chunk.file}`)
}

console.log(`\nSize budget (${fromDist ? relative(root, distDir) + '/' : 'src/'} entries, esbuild minify + browser ESM, gzip -9):`)
console.table(rows)
if (failed) {
  console.error('Size budget failed.')
  process.exit(1)
}
