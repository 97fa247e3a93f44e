// `npm run test:msw3`: the in-process (setupServer) suites under msw 3 on Node 22
// (vitest.msw3.config.ts). Node 22 comes from the registry's `node` package, installed apart from
// the root project (`npm ci --prefix tools/node22`, done by .ci/run) so its binary does not replace
// the toolchain's `node` in npm scripts. Missing it fails in CI; on a developer's machine the job
// says how to install it and stops without running anything.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const node22 = resolve(root, 'tools/node22/node_modules/node/bin/node')
if (!existsSync(node22)) {
  const message = 'test:msw3 needs Node 22: run `npm ci --prefix tools/node22` first.'
  if (process.env.CI) {
    console.error(message)
    process.exit(1)
  }
  console.warn(`${message} Not run.`)
  process.exit(0)
}
const result = spawnSync(node22, [resolve(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.msw3.config.ts'], { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
