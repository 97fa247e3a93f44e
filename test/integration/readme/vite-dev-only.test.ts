/**
 * README § "In the browser": the dev-only loading pattern and the Vite plugin, run as written in a
 * throwaway Vite app. `vite build` emits neither the mock nor `mockServiceWorker.js`; a build in
 * development mode does carry the mock (so the check can fail); the dev server serves the worker.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build, createServer, type InlineConfig } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../support/spawn-mock'
import { readmeSnippets } from './readme-snippets'

const snippets = readmeSnippets(readFileSync(join(repoRoot, 'README.md'), 'utf8'))
const mainTs = snippets.find((snippet) => snippet.code.includes("import('portcullis/mock/browser')"))?.code
const viteConfig = snippets.find((snippet) => snippet.code.includes('// vite.config.ts'))?.code

let app: string
const config = (extra: InlineConfig = {}): InlineConfig => ({
  root: app,
  configFile: join(app, 'vite.config.ts'),
  logLevel: 'silent',
  resolve: { alias: { 'portcullis/mock/browser': join(repoRoot, 'mocks/browser.ts') } },
  ...extra,
})

/**
 * Vite derives `import.meta.env.DEV` from NODE_ENV when it is set, and vitest sets it to `test`:
 * each build runs with the NODE_ENV its command would have on the command line.
 */
async function buildWith(nodeEnv: 'production' | 'development', extra: InlineConfig): Promise<void> {
  const previous = process.env['NODE_ENV']
  process.env['NODE_ENV'] = nodeEnv
  try {
    await build(config(extra))
  } finally {
    process.env['NODE_ENV'] = previous
  }
}

/** Every file under `dir`, relative paths → text. */
function files(dir: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) for (const [name, text] of files(path, `${prefix}${entry.name}/`)) found.set(name, text)
    else found.set(`${prefix}${entry.name}`, readFileSync(path, 'utf8'))
  }
  return found
}

describe('README: the in-page mock in development only (Vite)', () => {
  beforeAll(() => {
    expect(mainTs).toBeDefined()
    expect(viteConfig).toBeDefined()
    // Inside node_modules, so the config's `createRequire(import.meta.url)` finds msw as an app's would.
    app = mkdtempSync(join(repoRoot, 'node_modules/.portcullis-vite-app-'))
    mkdirSync(join(app, 'src'))
    writeFileSync(join(app, 'index.html'), '<!doctype html><html><body><script type="module" src="/src/main.ts"></script></body></html>')
    writeFileSync(join(app, 'src/main.ts'), mainTs!)
    writeFileSync(join(app, 'vite.config.ts'), viteConfig!)
  })
  afterAll(() => rmSync(app, { recursive: true, force: true }))

  it('a production build carries no mock code and no mockServiceWorker.js', async () => {
    await buildWith('production', { build: { outDir: join(app, 'dist') } })
    const output = files(join(app, 'dist'))
    expect([...output.keys()].filter((name) => name.includes('mockServiceWorker'))).toEqual([])
    const js = [...output].filter(([name]) => name.endsWith('.js')).map(([, text]) => text)
    expect(js.join('\n')).toContain('ready')
    expect(js.join('\n')).not.toContain('/__mock')
    expect(js.join('').length).toBeLessThan(5_000)
  }, 120_000)

  it('a development-mode build does load the mock (what the check above would catch)', async () => {
    await buildWith('development', { mode: 'development', build: { outDir: join(app, 'dist-dev'), minify: false } })
    const js = [...files(join(app, 'dist-dev'))].filter(([name]) => name.endsWith('.js')).map(([, text]) => text)
    expect(js.join('\n')).toContain('/__mock')
  }, 180_000)

  it('the dev server serves msw’s worker script at the root', async () => {
    const server = await createServer(config({ server: { port: 0, host: '127.0.0.1' } }))
    try {
      await server.listen()
      const { port } = server.httpServer!.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/mockServiceWorker.js`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('javascript')
      expect(await response.text()).toContain('Mock Service Worker')
    } finally {
      await server.close()
    }
  }, 60_000)
})
