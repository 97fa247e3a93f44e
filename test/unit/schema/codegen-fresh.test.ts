import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCodegen } from '../../../scripts/codegen'
import { root } from '../../support/schema-files'

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  )
}

describe('generated code', () => {
  const out = mkdtempSync(join(tmpdir(), 'portcullis-codegen-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('matches a fresh `npm run codegen` (run it and commit when this fails)', async () => {
    await runCodegen(out)
    for (const dir of ['src/generated', 'mocks/generated']) {
      const fresh = walk(join(out, dir)).map((f) => relative(out, f)).sort()
      const committed = walk(join(root, dir)).map((f) => relative(root, f)).sort()
      expect(committed).toEqual(fresh)
      for (const file of fresh) {
        expect(readFileSync(join(root, file), 'utf8'), file).toBe(readFileSync(join(out, file), 'utf8'))
      }
    }
  }, 120_000)
})
