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

/**
 * Answers the spec lists (after Logto's published docs) that Logto's own routes never send on
 * that operation, so the mock does not invent a way to produce them. Checked against
 * logto-io/logto v1.22.0, packages/core/src/routes/experience.
 */
const NEVER_SENT: Record<string, string> = {
  'IdentifyUser 400 session.invalid_interaction_type':
    "identifyUser() asserts the event is not Register, but the route sends Register to createUser() and every other event to identifyUser(): the guard cannot fail",
  'IdentifyUser 404 session.identifier_not_found':
    'only getIdentifiedUser() throws it (profile, MFA and submit paths); identification sets the user instead of reading it',
  'CreateSocialVerification 404 entity.not_exists_with_id':
    'social connectors come from the connector library, which answers entity.not_found for an unknown id',
  'VerifySocialVerification 404 entity.not_exists_with_id': 'as for CreateSocialVerification',
  'CreateEnterpriseSsoVerification 404 entity.not_found':
    'SSO connectors are read from their own table: an unknown id is entity.not_exists_with_id (find-entity-by-id)',
  'VerifyEnterpriseSsoVerification 404 entity.not_found': 'as for CreateEnterpriseSsoVerification',
}

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
  const never = missing.filter((answer) => answer in NEVER_SENT)
  const gaps = missing.filter((answer) => !(answer in NEVER_SENT))
  console.log(`\n${total - missing.length} of ${total} documented answers produced by the experience suites.`)
  if (never.length > 0) console.log(`Documented, but never sent by Logto on that operation (not faked):\n${never.map((a) => `  ${a}: ${NEVER_SENT[a]}`).join('\n')}`)
  if (gaps.length > 0) console.log(`Not produced:\n  ${gaps.join('\n  ')}`)
  for (const answer of Object.keys(NEVER_SENT)) if (!missing.includes(answer)) console.log(`Produced although listed as never sent (update NEVER_SENT): ${answer}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
