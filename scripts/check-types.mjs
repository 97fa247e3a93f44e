#!/usr/bin/env node
/**
 * `attw` (Are the Types Wrong?) on the package as it would be published, printing one summary line
 * when every entry point resolves under every module resolution, and attw's full table otherwise.
 * Packs with --ignore-scripts: `npm test` has just built dist/, and prepack would build it again.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'portcullis-attw-'))
const attw = join(root, 'node_modules', '.bin', 'attw')
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8' }))
  const tarball = join(out, packed.filename)
  const args = [tarball, '--profile', 'node16']
  const json = spawnSync(attw, [...args, '--format', 'json'], { encoding: 'utf8' })
  // attw exits 0 when nothing the profile counts is wrong (node16 ignores node10's resolution).
  if (json.status === 0) {
    const entries = Object.keys(JSON.parse(json.stdout).analysis?.entrypoints ?? {})
    console.log(`attw: no problems in ${entries.length} entry points (${packed.filename}, profile node16)`)
  } else {
    // Problems (or attw itself failed): attw's own table says which entry point and resolution.
    const table = spawnSync(attw, args, { stdio: 'inherit' })
    process.exitCode = table.status || 1
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
