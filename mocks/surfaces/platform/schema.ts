/**
 * The executable platform schema: the project's SDL (schema/graphql/platform.graphql, carried as
 * the `platformSdl` string by mocks/generated/schemas.ts) plus the custom scalars and resolvers.
 * Built on first use, never at import time.
 */
import { buildSchema, GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql'
import { platformSdl } from '../../generated/schemas'
import { EMAIL_PATTERN } from '../../state/users'
import { mutationResolvers, queryResolvers } from './resolvers'

function describe(value: unknown): string {
  try {
    const json = JSON.stringify(value)
    return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json
  } catch {
    return typeof value
  }
}

function emailAddress(value: unknown): string {
  if (typeof value !== 'string' || !EMAIL_PATTERN.test(value)) {
    throw new GraphQLError(`EmailAddress cannot represent ${describe(value)}: expected an address like name@example.com.`)
  }
  return value
}

function rID(value: unknown): string {
  if ((typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isInteger(value))) {
    return String(value)
  }
  throw new GraphQLError(`rID cannot represent ${describe(value)}: expected a non-empty string.`)
}

function literal(name: string, parse: (value: unknown) => string) {
  return (ast: ValueNode): string => {
    if (ast.kind !== Kind.STRING && !(name === 'rID' && ast.kind === Kind.INT)) {
      throw new GraphQLError(`${name} cannot represent a non-string value.`, { nodes: ast })
    }
    try {
      return parse(ast.value)
    } catch (error) {
      throw new GraphQLError((error as Error).message, { nodes: ast })
    }
  }
}

function buildPlatformSchema(): GraphQLSchema {
  const schema = buildSchema(platformSdl)

  const scalars: Record<string, (value: unknown) => string> = { EmailAddress: emailAddress, rID }
  for (const [name, parse] of Object.entries(scalars)) {
    const type = schema.getType(name)
    if (!(type instanceof GraphQLScalarType)) throw new Error(`platform SDL lacks scalar ${name}`)
    Object.assign(type, { serialize: parse, parseValue: parse, parseLiteral: literal(name, parse) })
  }

  const roots = [
    { type: schema.getQueryType(), resolvers: queryResolvers },
    { type: schema.getMutationType(), resolvers: mutationResolvers },
  ]
  for (const { type, resolvers } of roots) {
    if (!type) throw new Error('platform SDL lacks a root type')
    const fields = type.getFields()
    for (const [name, field] of Object.entries(fields)) {
      const resolve = resolvers[name]
      if (!resolve) throw new Error(`platform mock has no resolver for ${type.name}.${name}`)
      field.resolve = resolve as typeof field.resolve
    }
    for (const name of Object.keys(resolvers)) {
      if (!fields[name]) throw new Error(`platform mock resolver ${name} is not in the SDL`)
    }
  }
  return schema
}

let cached: GraphQLSchema | undefined

/** The executable schema, built once on first call. */
export function platformSchema(): GraphQLSchema {
  return (cached ??= buildPlatformSchema())
}
