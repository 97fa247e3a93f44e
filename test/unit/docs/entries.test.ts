/**
 * `npm run docs` documents what package.json exports: every public subpath (each condition's
 * types file) maps back to a source entry, so a new export is in the API reference at once.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { publicEntries } from '../../../scripts/docs'
import { repoRoot } from '../../support/spawn-mock'

describe('API reference entry points', () => {
  it('one module per package.json export (but ./package.json), each from existing source files', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    const entries = publicEntries()
    const expected = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? 'portcullis' : `portcullis/${subpath.slice(2)}`))
    expect([...entries.keys()].sort()).toEqual(expected.sort())
    for (const sources of entries.values()) for (const source of sources) expect(existsSync(join(repoRoot, source)), source).toBe(true)
    // Both conditions of ./experience are documented: the browser entry and the Node one.
    expect(entries.get('portcullis/experience')).toEqual(['src/experience/node.ts', 'src/experience/index.ts'])
    expect(entries.get('portcullis/platform')).toEqual(['src/platform/index.ts'])
  })
})
