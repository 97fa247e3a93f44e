/**
 * The platform adapter sends its own slim operation documents (only the fields it reads) rather
 * than the generated ones, which select every field. This keeps them honest: each must be valid
 * against the schema, and be the generated operation of the same name with the same variables
 * (so the generated `*Variables` types the adapter is checked with apply, and the backend's
 * request log shows the same operation names). A new or renamed schema field, argument or
 * operation breaks this test, not a user.
 */
import { readFileSync } from 'node:fs'
import { buildSchema, Kind, parse, print, validate, type OperationDefinitionNode } from 'graphql'
import { describe, expect, it } from 'vitest'
import * as generated from '../../../src/generated/platform/graphql'
import { OPERATIONS } from '../../../src/platform/adapter'

const schema = buildSchema(readFileSync(new URL('../../../schema/graphql/platform.graphql', import.meta.url), 'utf8'))

const operationOf = (text: string): OperationDefinitionNode => {
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  expect(operations).toHaveLength(1)
  return operations[0]!
}

describe('platform adapter operations', () => {
  it.each(Object.entries(OPERATIONS))('%s is valid against schema/graphql/platform.graphql', (_name, text) => {
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([])
  })

  it.each(Object.entries(OPERATIONS))('%s mirrors the generated operation: name, type, variables, root field and arguments', (name, text) => {
    const generatedDocument = (generated as Record<string, unknown>)[`${name}Document`]
    expect(generatedDocument, `no generated ${name}Document`).toBeDefined()
    const mine = operationOf(text)
    const theirs = operationOf(String(generatedDocument))
    expect(mine.name?.value).toBe(name)
    expect(mine.operation).toBe(theirs.operation)
    expect(mine.variableDefinitions?.map(print)).toEqual(theirs.variableDefinitions?.map(print))
    const root = (op: OperationDefinitionNode) => {
      const field = op.selectionSet.selections[0]!
      return field.kind === Kind.FIELD ? [field.name.value, field.arguments?.map(print)] : null
    }
    expect(root(mine)).toEqual(root(theirs))
  })

  it('selects far less than the generated documents', () => {
    const mine = Object.values(OPERATIONS).join('').length
    const theirs = Object.keys(OPERATIONS)
      .map((name) => String((generated as Record<string, unknown>)[`${name}Document`]))
      .join('').length
    expect(mine * 5).toBeLessThan(theirs)
  })
})
