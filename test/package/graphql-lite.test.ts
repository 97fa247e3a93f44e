import { getOperationAST, parse as parseGraphQL } from 'graphql'
import { describe, expect, it } from 'vitest'
import * as accountsRelay from '../../src/generated/accounts-relay/graphql'
import * as accounts from '../../src/generated/accounts/graphql'
import * as platform from '../../src/generated/platform/graphql'
import { Kind, parse, print } from '../../src/transport/graphql-lite'

/** Every generated operation document (fragments are not sent on their own). */
const documents = Object.entries({ ...platform, ...accounts, ...accountsRelay })
  .filter(([name]) => name.endsWith('Document'))
  .map(([name, document]) => [name, String(document)] as const)

describe('graphql-lite (graphql-js stand-in inside the bundled graphql-request)', () => {
  it('finds the generated documents', () => {
    expect(documents.length).toBeGreaterThan(20)
  })

  it.each(documents)('reads %s as graphql-js does: operation type and name', (_, source) => {
    const operation = getOperationAST(parseGraphQL(source))
    expect(operation).not.toBeNull()
    const [definition] = parse(source).definitions
    expect(definition).toEqual({ kind: Kind.OPERATION_DEFINITION, operation: operation?.operation, name: { kind: 'Name', value: operation?.name?.value } })
  })

  it('refuses what it cannot read, so graphql-request sends no operationName', () => {
    expect(() => parse('{ me { id } }')).toThrow(SyntaxError)
    expect(() => parse('fragment F on User { id }')).toThrow(SyntaxError)
    expect(() => print()).toThrow(TypeError)
  })
})
