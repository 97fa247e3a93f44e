/**
 * Runs the in-process experience suites and lists every documented answer of the 25
 * `/api/experience` operations (operation, status, error code from `x-error-codes`) that no test
 * produced. Usage: `npm run coverage:experience`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

type Responses = Record<string, { $ref?: string; 'x-error-codes'?: string[] }>
type Spec = { paths: Record<string, Record<string, { operationId: string; responses: Responses }>>; components: { responses: Responses } }

const dir = mkdtempSync(join(tmpdir(), 'experience-coverage-'))
const file = join(dir, 'seen.txt')
try {
  execFileSync('npx', ['vitest', 'run', 'test/integration/experience'], { stdio: 'inherit', env: { ...process.env, PORTCULLIS_EXPERIENCE_COVERAGE: file } })
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  // Exact answers, and statuses alone (for responses that document no codes).
  const seen = new Set([...lines.map((line) => line.trim()), ...lines.map((line) => line.split(' ').slice(0, 2).join(' '))])
  const spec = parse(readFileSync('schema/openapi/experience.yaml', 'utf8')) as Spec
  const missing: string[] = []
  let total = 0
  for (const [path, operations] of Object.entries(spec.paths)) {
    if (!path.startsWith('/api/experience')) continue
    for (const operation of Object.values(operations)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        const resolved = answer.$ref ? spec.components.responses[answer.$ref.split('/').pop()!]! : answer
        for (const code of resolved['x-error-codes'] ?? ['']) {
          total += 1
          if (!seen.has(`${operation.operationId} ${status} ${code}`.trim())) missing.push(`${operation.operationId} ${status} ${code}`.trim())
        }
      }
    }
  }
  console.log(`\n${total - missing.length} of ${total} documented answers produced by the experience suites.`)
  if (missing.length > 0) console.log(`Not produced:\n  ${missing.join('\n  ')}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
