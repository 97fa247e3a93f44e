/**
 * The example's Vite config. Inside the Portcullis repo `portcullis` resolves to the repo's own
 * sources (so `npm test` builds the example against the local package); a copy of this example
 * installs `portcullis` from npm and drops `resolve.alias` (and `repo`).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url))

/** In development, msw's worker script at the site root (what `npx msw init public/` would copy). */
const mswWorkerScript: Plugin = {
  name: 'msw-worker-script',
  apply: 'serve',
  configureServer(server) {
    server.middlewares.use('/mockServiceWorker.js', (_req, res) => {
      res.setHeader('content-type', 'text/javascript; charset=utf-8')
      res.end(readFileSync(repo('node_modules/msw/lib/mockServiceWorker.js')))
    })
  },
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), mswWorkerScript],
  resolve: {
    alias: [
      { find: /^portcullis\/mock\/browser$/, replacement: repo('mocks/browser.ts') },
      { find: /^portcullis\/(platform|react)$/, replacement: repo('src/$1/index.ts') },
      { find: /^portcullis$/, replacement: repo('src/index.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
})
