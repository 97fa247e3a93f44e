/**
 * The generated zod schemas read the schema files as the mock's Ajv validator does: on every
 * example the otp spec documents, and on mutants of each (a required field dropped, a field of
 * the wrong type, an unknown key), both validators give the same verdict. And the generator
 * refuses what it cannot translate instead of emitting a schema that accepts too much.
 */
import { describe, expect, it } from 'vitest'
import { pointerOf } from '../../../mocks/validation/openapi'
import { otpValidator } from '../../../mocks/surfaces/otp/validator'
import { expression, openapiZod } from '../../../scripts/zod/openapi-zod'
import { graphqlZod } from '../../../scripts/zod/graphql-zod'
import * as otpZod from '../../../src/generated/otp/zod'
import { contractIssues, type AnswerSchema } from '../../../src/transport/contract'
import { readYaml } from '../../support/schema-files'

type Json = Record<string, unknown>
const spec = readYaml('schema/openapi/otp.yaml')
const schemas = (spec['components'] as Json)['schemas'] as Json

/** `[component name, example]` for every component schema, property and response body example that names a component. */
function examples(): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = []
  for (const [name, schema] of Object.entries(schemas)) if ((schema as Json)['example'] !== undefined) found.push([name, (schema as Json)['example']])
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (!node || typeof node !== 'object') return
    const media = node as Json
    const ref = (media['schema'] as Json | undefined)?.['$ref']
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/') && media['example'] !== undefined) found.push([ref.slice(21), media['example']])
    Object.values(media).forEach(walk)
  }
  walk(spec['paths'])
  walk((spec['components'] as Json)['responses'])
  return found
}

function mutants(example: unknown): Array<[string, unknown]> {
  if (!example || typeof example !== 'object' || Array.isArray(example)) return []
  const out: Array<[string, unknown]> = [['with an unknown key', { ...example, unexpectedKey: true }]]
  for (const [key, value] of Object.entries(example)) {
    const { [key]: _, ...rest } = example as Json
    out.push([`without ${key}`, rest])
    out.push([`${key} of the wrong type`, { ...example, [key]: typeof value === 'number' ? 'x' : typeof value === 'boolean' ? 0 : typeof value === 'string' ? 12345 : 'x' }])
  }
  return out
}

const cases = examples().flatMap(([name, example]) => [[name, 'as documented', example] as const, ...mutants(example).map(([label, value]) => [name, label, value] as const)])

describe('generated zod schemas and the mock’s Ajv validator agree on the otp spec', () => {
  it('has examples to compare, valid and invalid ones', () => {
    expect(new Set(cases.map(([name]) => name)).size).toBeGreaterThanOrEqual(6)
    const verdicts = cases.map(([name, , value]) => otpValidator.validateSchema(pointerOf('components', 'schemas', name), value).ok)
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(20)
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(50)
  })

  it.each(cases)('%s %s', (name, _label, value) => {
    const zod = (otpZod as unknown as Record<string, AnswerSchema>)[name]
    expect(zod, name).toBeDefined()
    const ajv = otpValidator.validateSchema(pointerOf('components', 'schemas', name), value).ok
    expect(contractIssues(zod!, value).length === 0).toBe(ajv)
  })
})

describe('the zod generator', () => {
  it('refuses keywords it does not translate, so nothing is silently accepted', () => {
    expect(() => expression({ type: 'string', contentEncoding: 'base64' }, new Set())).toThrow(/unsupported keyword contentEncoding/)
    expect(() => expression({ $ref: 'other.yaml#/Foo' }, new Set())).toThrow(/unsupported \$ref/)
    expect(() => openapiZod({ components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } } } }, '')).toThrow(/recursive schema/)
  })

  it('maps GraphQL nullability, lists, enums, inputs and fragments', () => {
    const text = graphqlZod(
      'enum Role { ADMIN USER }\ninput Filter { role: Role, ids: [ID!]! }\ntype U { id: ID!, role: Role, tags: [String] }\ntype Query { users(filter: Filter): [U!]! }',
      ['query Users($filter: Filter) { users(filter: $filter) { ...F, alias: id } }\nfragment F on U { id role tags }'],
      '',
    )
    expect(text).toContain('export const Role = z.enum(["ADMIN","USER"])')
    expect(text).toContain('export const Filter = z.object({ "role": z.optional(z.nullable(Role)), "ids": z.array(z.string()) })')
    expect(text).toContain('export const UsersQueryVariables = z.object({ "filter": z.optional(z.nullable(Filter)) })')
    expect(text).toContain('export const UsersQuery = z.looseObject({ "users": z.array(z.looseObject({ "id": z.string(), "role": z.nullable(Role), "tags": z.nullable(z.array(z.nullable(z.string()))), "alias": z.string() })) })')
  })
})
