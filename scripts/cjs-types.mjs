#!/usr/bin/env node
/**
 * After tsup: the CommonJS declaration files (dist/**\/*.d.cts) read msw's and jose's types as an
 * ES module (jose is ESM-only: the mock's saved-state types name its `JWK`).
 * Under `node16`/`nodenext`, a `.d.cts` resolves imports with the `require` condition, where
 * `msw/browser` resolves to nothing (`"node": null`) and msw's CommonJS declarations import the
 * ESM-only `rettime` (TS1479). `resolution-mode: "import"` (TypeScript ≥ 5.3) picks msw's `.d.mts`
 * instead; the bare `import 'msw'` (and jose) lines rollup-plugin-dts leaves behind carry no types and go.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const dist = process.argv[2] ?? 'dist'
const NAMED = /^import (?:type )?\{([^}]+)\} from '((?:msw|jose)(?:\/[^']+)?)';$/gm
const BARE = /^import '((?:msw|jose)(?:\/[^']+)?)';\n/gm

for (const entry of await readdir(dist, { recursive: true })) {
  if (!entry.endsWith('.d.cts')) continue
  const file = join(dist, entry)
  const source = await readFile(file, 'utf8')
  const fixed = source
    .replace(NAMED, (_, names, specifier) => `import type {${names}} from '${specifier}' with { 'resolution-mode': 'import' };`)
    .replace(BARE, '')
  if (fixed !== source) await writeFile(file, fixed)
}
