/**
 * The two executable accounts schemas, built from the project's SDL (schema/graphql/accounts*.graphql,
 * carried by mocks/generated/schemas.ts) on first use. Both run the same resolvers: the classic
 * schema passes a mutation its arguments; the relay schema passes the fields of its `input` and
 * echoes `clientMutationId` in the payload.
 */
import { buildSchema, GraphQLScalarType, valueFromASTUntyped, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql'
import { accountsRelaySdl, accountsSdl } from '../../generated/schemas'
import type { AccountsContext } from './context'
import { mutations, queries, type MutationImpl } from './resolvers'

type Resolver = GraphQLFieldResolver<unknown, AccountsContext, Record<string, unknown>>
type Flavour = 'classic' | 'relay'

const classic = (run: MutationImpl): Resolver => (_root, args, ctx) => run(args, ctx)

const relay = (run: MutationImpl): Resolver => async (_root, args, ctx) => {
  const { clientMutationId = null, ...input } = (args['input'] ?? {}) as Record<string, unknown>
  return { ...(await run(input, ctx)), clientMutationId }
}

/** JSON values in and out, untouched (ExpectedErrorType, GenericScalar); DateTime is ISO text. */
function defineScalars(schema: GraphQLSchema): void {
  for (const name of ['ExpectedErrorType', 'GenericScalar', 'DateTime']) {
    const type = schema.getType(name)
    if (!(type instanceof GraphQLScalarType)) throw new Error(`accounts SDL lacks scalar ${name}`)
    Object.assign(type, { serialize: (value: unknown) => value, parseValue: (value: unknown) => value, parseLiteral: valueFromASTUntyped })
  }
}

function build(flavour: Flavour): GraphQLSchema {
  const schema = buildSchema(flavour === 'classic' ? accountsSdl : accountsRelaySdl)
  defineScalars(schema)
  const wrap = flavour === 'classic' ? classic : relay
  const roots: Array<[ReturnType<GraphQLSchema['getQueryType']>, Record<string, Resolver>]> = [
    [schema.getQueryType(), Object.fromEntries(Object.entries(queries).map(([name, run]) => [name, ((_root, args, ctx) => run(args, ctx)) as Resolver]))],
    [schema.getMutationType(), Object.fromEntries(Object.entries(mutations).map(([name, run]) => [name, wrap(run)]))],
  ]
  for (const [type, resolvers] of roots) {
    if (!type) throw new Error(`accounts ${flavour} SDL lacks a root type`)
    const fields = type.getFields()
    for (const [name, field] of Object.entries(fields)) {
      const resolve = resolvers[name]
      if (!resolve) throw new Error(`accounts mock has no resolver for ${type.name}.${name}`)
      field.resolve = resolve as typeof field.resolve
    }
    for (const name of Object.keys(resolvers)) if (!fields[name]) throw new Error(`accounts mock resolver ${name} is not in the ${flavour} SDL`)
  }
  return schema
}

const cache: Partial<Record<Flavour, GraphQLSchema>> = {}

export function accountsSchema(flavour: Flavour): GraphQLSchema {
  return (cache[flavour] ??= build(flavour))
}
