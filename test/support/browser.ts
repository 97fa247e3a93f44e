/**
 * Real-browser e2e support: find and launch the machine's Chromium through playwright-core (no
 * browser download: Debian's `chromium` package), bundle a test page with esbuild, and serve it
 * from a tiny static server on 127.0.0.1 next to msw's worker script.
 *
 * Chromium is looked up at `PORTCULLIS_CHROMIUM` or /usr/bin/chromium. Without it the browser
 * suites skip with a message on a developer's machine, but never in CI (`CI` set) or with
 * `PORTCULLIS_BROWSER_TESTS=require`: there a missing browser fails the run.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { repoRoot } from './spawn-mock'

export const CHROMIUM_PATH = process.env['PORTCULLIS_CHROMIUM'] || '/usr/bin/chromium'

/** What this machine's Chromium needs (a root sandbox, a closed network: no background fetches, no QUIC). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const truthy = (value: string | undefined): boolean => !!value && !/^(0|false|no)$/i.test(value)

/** In CI (or when asked) a missing browser is a failure, never a skip. */
export const browserRequired = truthy(process.env['CI']) || process.env['PORTCULLIS_BROWSER_TESTS'] === 'require'

export const chromiumFound = existsSync(CHROMIUM_PATH)

const MISSING =
  `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install -y --no-install-recommends chromium) ` +
  `or point PORTCULLIS_CHROMIUM at a Chromium/Chrome binary.`

/** True when the browser suites should be skipped here; says why, once per file. */
export function skipBrowserSuite(suite: string): boolean {
  if (chromiumFound || browserRequired) return false
  console.warn(`[${suite}] SKIPPED: ${MISSING} (In CI this fails instead of skipping.)`)
  return true
}

/** Headless Chromium in a fresh temporary profile (playwright-core makes and removes it). */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumFound) throw new Error(`${MISSING} The browser e2e suites cannot be skipped in CI.`)
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
}

/** Bundles page entries (name → path from the repo root) for the browser; resolves name → JS text. */
export async function bundlePages(entries: Record<string, string>): Promise<Record<string, string>> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  const bundles: Record<string, string> = {}
  for (const file of result.outputFiles) {
    const name = /([^/\\]+)\.js$/.exec(file.path)?.[1]
    if (name) bundles[name] = file.text
  }
  return bundles
}

export interface StaticFile {
  body: string | Buffer
  type: string
}

export interface StaticServer {
  url: string
  close(): Promise<void>
}

/** msw's service worker script, to be served at the scope root (what `npx msw init` copies). */
export const mswWorkerScript = (): StaticFile => ({
  body: readFileSync(join(repoRoot, 'node_modules/msw/lib/mockServiceWorker.js')),
  type: 'text/javascript; charset=utf-8',
})

/** A page that loads one bundled module. */
export const htmlPage = (title: string, script: string): StaticFile => ({
  body: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><script type="module" src="${script}"></script></body></html>`,
  type: 'text/html; charset=utf-8',
})

export const jsFile = (text: string): StaticFile => ({ body: text, type: 'text/javascript; charset=utf-8' })

/** Serves `files` (path → file) on 127.0.0.1 at a free port; anything else is a 404. */
export async function serveStatic(files: Record<string, StaticFile>): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    // Chromium asks for one on every page; a 404 would show up as a console error.
    if (path === '/favicon.ico' && !files[path]) return void res.writeHead(204).end()
    const file = files[path]
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Keeps what a page logs and throws, to show when a test fails. */
export function capturePageLog(page: Page, label: string): { text(): string } {
  const lines: string[] = []
  page.on('console', (message: ConsoleMessage) => lines.push(`[${label} console.${message.type()}] ${message.text()}`))
  page.on('pageerror', (error) => lines.push(`[${label} pageerror] ${error.stack ?? error.message}`))
  page.on('crash', () => lines.push(`[${label}] page crashed`))
  return { text: () => lines.join('\n') }
}

/** Rejects with a clear message when `promise` takes longer than `ms` (page.evaluate has no timeout). */
export async function within<T>(promise: Promise<T>, ms: number, what: string, log?: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms${log ? `\n${log()}` : ''}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export interface WorkerPageSite {
  /** The site's origin (127.0.0.1 at a free port). */
  readonly url: string
  /** A fresh browser context, closed with the suite. */
  newContext(): Promise<BrowserContext>
}

/**
 * For a suite whose page runs the mock in msw's worker: bundles `source` as `/<name>.js`, serves
 * it with `/<name>.html` next to `/mockServiceWorker.js`, launches Chromium (in `beforeAll`) and
 * closes everything in `afterAll`.
 */
export function useWorkerPageSite(name: string, source: string): WorkerPageSite {
  let browser: Browser | undefined
  let site: StaticServer | undefined
  const contexts: BrowserContext[] = []
  beforeAll(async () => {
    const [bundles, launched] = await Promise.all([bundlePages({ [name]: source }), launchChromium()])
    browser = launched
    site = await serveStatic({
      '/mockServiceWorker.js': mswWorkerScript(),
      [`/${name}.html`]: htmlPage(name, `/${name}.js`),
      [`/${name}.js`]: jsFile(bundles[name]!),
    })
  }, 60_000)
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close().catch(() => {})
    await site?.close()
  }, 30_000)
  return {
    get url() {
      return site!.url
    },
    async newContext() {
      const context = await browser!.newContext()
      contexts.push(context)
      return context
    },
  }
}
