import {
  assertValidSchema,
  buildSchema,
  type DefinitionNode,
  Kind,
  NoUnusedFragmentsRule,
  parse,
  print,
  specifiedRules,
  validate,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { listFiles, readText } from '../../support/schema-files'

const surfaces = [
  { name: 'platform', sdl: 'schema/graphql/platform.graphql', ops: 'schema/operations/platform', count: 15 },
  { name: 'accounts', sdl: 'schema/graphql/accounts.graphql', ops: 'schema/operations/accounts', count: 21 },
  { name: 'accounts-relay', sdl: 'schema/graphql/accounts-relay.graphql', ops: 'schema/operations/accounts-relay', count: 18 },
] as const

describe.each(surfaces)('GraphQL surface $name', (surface) => {
  const schema = buildSchema(readText(surface.sdl))
  const files = listFiles(surface.ops, '.graphql')
  const operationFiles = files.filter((f) => f !== 'fragments.graphql')
  const fragments = files.includes('fragments.graphql') ? readText(`${surface.ops}/fragments.graphql`) : ''

  it('builds into a valid schema', () => {
    expect(() => assertValidSchema(schema)).not.toThrow()
  })

  it(`has ${surface.count} operation documents`, () => {
    expect(operationFiles).toHaveLength(surface.count)
  })

  it.each(operationFiles)('%s holds one named operation that validates against the schema', (file) => {
    const document = parse(`${readText(`${surface.ops}/${file}`)}\n${fragments}`)
    const operations = document.definitions.filter((d: DefinitionNode) => d.kind === Kind.OPERATION_DEFINITION)
    expect(operations).toHaveLength(1)
    const operation = operations[0]!
    expect(operation.kind === Kind.OPERATION_DEFINITION && operation.name?.value).toBeTruthy()
    // The file is named for the root field it calls.
    const field = operation.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections[0] : undefined
    expect(field?.kind === Kind.FIELD && `${field.name.value}.graphql`).toBe(file)
    // The shared fragments file is appended whole, so fragments other operations use are unused here.
    const rules = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule)
    expect(validate(schema, document, rules).map((e) => e.message)).toEqual([])
  })

  it('uses every shared fragment and repeats no operation name (whole folder as one document)', () => {
    const all = parse([...operationFiles.map((f) => readText(`${surface.ops}/${f}`)), fragments].join('\n'))
    expect(validate(schema, all).map((e) => e.message)).toEqual([])
  })
})

describe('accounts classic and relay schemas', () => {
  it('share identical definitions for everything but their mutations', () => {
    const shared = (file: string) => {
      const doc = parse(readText(file))
      const mutationTypes = new Set<string>()
      for (const d of doc.definitions) {
        if (d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Mutation') {
          for (const f of d.fields ?? []) {
            let t = f.type
            while (t.kind !== Kind.NAMED_TYPE) t = t.type
            mutationTypes.add(t.name.value)
            for (const a of f.arguments ?? []) {
              let at = a.type
              while (at.kind !== Kind.NAMED_TYPE) at = at.type
              mutationTypes.add(at.name.value)
            }
          }
        }
      }
      return doc.definitions
        .filter((d) => !('name' in d) || !d.name || (d.name.value !== 'Mutation' && !mutationTypes.has(d.name.value)))
        .map((d) => print(d))
        .sort()
    }
    const classic = shared('schema/graphql/accounts.graphql')
    expect(classic.length).toBeGreaterThan(5)
    expect(shared('schema/graphql/accounts-relay.graphql')).toEqual(classic)
  })

  it('relay mutations take one input with clientMutationId and return it', () => {
    const schema = buildSchema(readText('schema/graphql/accounts-relay.graphql'))
    const mutation = schema.getMutationType()!
    for (const field of Object.values(mutation.getFields())) {
      expect(field.args.map((a) => a.name)).toEqual(['input'])
      const input = field.args[0]!.type.toString().replace('!', '')
      const inputType = schema.getType(input)
      expect(inputType && 'getFields' in inputType && Object.keys(inputType.getFields())).toContain('clientMutationId')
      expect(field.type.toString()).toMatch(/Payload$/)
    }
  })
})

describe('platform EmailAddress scalar and documented arguments', () => {
  const schema = buildSchema(readText('schema/graphql/platform.graphql'))
  it('keeps the published argument types of confirm2Fa', () => {
    const confirm = schema.getMutationType()!.getFields()['confirm2Fa']!
    expect(confirm.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'code: String!',
      'sessionId: String!',
      'timestamp: Int',
      'email: EmailAddress!',
    ])
    expect(confirm.type.toString()).toBe('LoginResult')
  })
})
