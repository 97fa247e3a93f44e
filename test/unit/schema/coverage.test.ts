/**
 * Every operation the four seed documents list (test/fixtures/seed-operations.json, copied once
 * from the seeds' own operation indexes) must have a schema entry, a GraphQL operation document
 * where it applies, and a generated type.
 */
import { buildSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import seed from '../../fixtures/seed-operations.json'
import { readText, readYaml } from '../../support/schema-files'

type OpenApi = { paths: Record<string, Record<string, { operationId?: string }>> }
const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1)
const pascal = (snake: string) => snake.split('_').map(upperFirst).join('')

function graphqlCoverage(sdlFile: string, opsDir: string, generatedFile: string, root: 'Mutation' | 'Query', field: string, suffix = '') {
  const schema = buildSchema(readText(sdlFile))
  const rootType = root === 'Mutation' ? schema.getMutationType() : schema.getQueryType()
  const operationName = `${upperFirst(field)}${suffix}`
  const document = readText(`${opsDir}/${field}.graphql`)
  const generated = readText(generatedFile)
  return {
    inSchema: Boolean(rootType?.getFields()[field]),
    documentNamesIt: new RegExp(`\\b${root.toLowerCase()} ${operationName}\\b`).test(document),
    generatedResult: generated.includes(`export type ${operationName}${root} =`),
    generatedVariables: generated.includes(`export type ${operationName}${root}Variables =`),
    generatedDocument: generated.includes(`export const ${operationName}Document =`),
  }
}

const allTrue = { inSchema: true, documentNamesIt: true, generatedResult: true, generatedVariables: true, generatedDocument: true }

describe('platform (seed 000)', () => {
  it('lists 14 mutations', () => expect(seed.platform.mutations).toHaveLength(14))
  it.each(seed.platform.mutations)('%s has schema, document and generated types', (field) => {
    expect(graphqlCoverage('schema/graphql/platform.graphql', 'schema/operations/platform', 'src/generated/platform/graphql.ts', 'Mutation', field)).toEqual(allTrue)
  })
  it.each(seed.platform.queries)('query %s has schema, document and generated types', (field) => {
    expect(graphqlCoverage('schema/graphql/platform.graphql', 'schema/operations/platform', 'src/generated/platform/graphql.ts', 'Query', field)).toEqual(allTrue)
  })
})

describe('accounts (seed 001)', () => {
  it('lists 21 operations: 3 queries and 18 mutations', () => {
    expect(seed.accounts.queries.length + seed.accounts.mutations.length).toBe(21)
    expect(seed.accounts.mutations).toHaveLength(18)
  })
  it.each(seed.accounts.queries.map((q) => q.field))('query %s has schema, document and generated types', (field) => {
    expect(graphqlCoverage('schema/graphql/accounts.graphql', 'schema/operations/accounts', 'src/generated/accounts/graphql.ts', 'Query', field)).toEqual(allTrue)
  })
  it.each(seed.accounts.mutations.map((m) => m.field))('mutation %s, classic form', (field) => {
    expect(graphqlCoverage('schema/graphql/accounts.graphql', 'schema/operations/accounts', 'src/generated/accounts/graphql.ts', 'Mutation', field)).toEqual(allTrue)
  })
  it.each(seed.accounts.mutations.map((m) => m.field))('mutation %s, relay form', (field) => {
    expect(graphqlCoverage('schema/graphql/accounts-relay.graphql', 'schema/operations/accounts-relay', 'src/generated/accounts-relay/graphql.ts', 'Mutation', field, 'Relay')).toEqual(allTrue)
  })
  it.each(seed.accounts.mutations)('relay payload of $field is named after class $class', ({ class: cls, field }) => {
    const schema = buildSchema(readText('schema/graphql/accounts-relay.graphql'))
    expect(schema.getMutationType()!.getFields()[field]!.type.toString()).toBe(`${cls}Payload`)
  })
})

describe('experience (seed 002)', () => {
  const spec = readYaml<OpenApi>('schema/openapi/experience.yaml')
  const generated = readText('src/generated/experience/openapi.ts')
  it('lists 25 operations', () => expect(seed.experience).toHaveLength(25))
  it.each(seed.experience)('$method $path ($operation)', ({ operation, method, path }) => {
    const entry = spec.paths[path]?.[method.toLowerCase()]
    expect(entry?.operationId).toBe(pascal(operation))
    expect(generated).toContain(`    ${pascal(operation)}: {`)
    expect(generated).toContain(`"${path}": {`)
  })
})

describe('otp (seed 003)', () => {
  const spec = readYaml<OpenApi>('schema/openapi/otp.yaml')
  const generated = readText('src/generated/otp/openapi.ts')
  it('lists 7 operations', () => expect(seed.otp).toHaveLength(7))
  it.each(seed.otp)('$method $path', ({ method, path }) => {
    const entry = spec.paths[path]?.[method.toLowerCase()]
    expect(entry?.operationId).toMatch(/^[a-z][A-Za-z]+$/)
    expect(generated).toContain(`    ${entry!.operationId}: {`)
    expect(generated).toContain(`"${path}": {`)
  })
})
