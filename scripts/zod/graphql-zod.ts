/**
 * GraphQL SDL + operation documents → zod/mini source: every input object and enum of the
 * schema, and for each operation the schema of its variables and of its `data` (walking the
 * selection set, fragments merged, aliases kept).
 *
 * Our own step: the validation-schema plugin (`graphql-codegen-typescript-validation-schema`)
 * covers input types only, and results are what the SDK and `portcullis-verify` check.
 */
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  Kind,
  parse,
  typeFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLCompositeType,
} from 'graphql'

/** Scalars as they travel in JSON (the same mapping codegen's `scalars` gives the TS types). */
const SCALARS: Record<string, string> = {
  ID: 'z.string()',
  String: 'z.string()',
  Int: 'z.int()',
  Float: 'z.number()',
  Boolean: 'z.boolean()',
  rID: 'z.string()',
  EmailAddress: 'z.string()',
  DateTime: 'z.string()',
  ExpectedErrorType: 'z.record(z.string(), z.array(z.looseObject({ message: z.string(), code: z.string() })))',
  GenericScalar: 'z.unknown()',
}

function scalar(name: string): string {
  const text = SCALARS[name]
  if (!text) throw new Error(`codegen(zod): no JSON mapping for scalar ${name}`)
  return text
}

/** An input type: named inputs and enums by their constant, nullable ones optional. */
function input(type: GraphQLInputType): string {
  if (isNonNullType(type)) return inner(type.ofType)
  return `z.optional(z.nullable(${inner(type)}))`
  function inner(t: GraphQLInputType): string {
    if (isNonNullType(t)) return inner(t.ofType)
    if (isListType(t)) return `z.array(${input(t.ofType)})`
    if (isScalarType(t)) return scalar(t.name)
    return t.name
  }
}

function output(schema: GraphQLSchema, type: GraphQLOutputType, selection: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>): string {
  if (isNonNullType(type)) return bare(type.ofType)
  return `z.nullable(${bare(type)})`
  function bare(t: GraphQLOutputType): string {
    if (isNonNullType(t)) return bare(t.ofType)
    if (isListType(t)) return `z.array(${output(schema, t.ofType, selection, fragments)})`
    if (isScalarType(t)) return scalar(t.name)
    if (isEnumType(t)) return t.name
    if (!selection) throw new Error(`codegen(zod): ${t.name} selected without fields`)
    return objectOf(schema, t, selection, fragments)
  }
}

/** The fields a selection set reads on `parent`, fragments spread in place. */
function objectOf(schema: GraphQLSchema, parent: GraphQLCompositeType, selection: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): string {
  const fields = new Map<string, string>()
  const collect = (set: SelectionSetNode): void => {
    for (const node of set.selections) {
      if (node.kind === Kind.FIELD) {
        const name = node.name.value
        const key = node.alias?.value ?? name
        if (name === '__typename') {
          fields.set(key, 'z.string()')
          continue
        }
        if (!isObjectType(parent) && !isInterfaceType(parent)) throw new Error(`codegen(zod): field ${name} on union ${parent.name}`)
        const field = parent.getFields()[name]
        if (!field) throw new Error(`codegen(zod): ${parent.name}.${name} does not exist`)
        // A field under @skip/@include may be absent.
        const conditional = node.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')
        const value = output(schema, field.type, node.selectionSet, fragments)
        fields.set(key, conditional ? `z.optional(${value})` : value)
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        collect(node.selectionSet)
      } else {
        const fragment = fragments.get(node.name.value)
        if (!fragment) throw new Error(`codegen(zod): unknown fragment ${node.name.value}`)
        collect(fragment.selectionSet)
      }
    }
  }
  collect(selection)
  return `z.looseObject({ ${[...fields].map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')} })`
}

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const

/** The module text for one GraphQL surface; `documents` are the operation files' texts. */
export function graphqlZod(sdl: string, documents: string[], header: string): string {
  const schema = buildSchema(sdl)
  const docs: DocumentNode[] = documents.map((text) => parse(text))
  const fragments = new Map<string, FragmentDefinitionNode>()
  const operations: OperationDefinitionNode[] = []
  for (const doc of docs) {
    for (const def of doc.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def)
      else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def)
    }
  }

  // Enums, then input objects in dependency order (the schemas have no recursive inputs).
  const named = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'))
  const lines: string[] = []
  for (const type of named.filter(isEnumType).sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`export const ${type.name} = z.enum(${JSON.stringify(type.getValues().map((v) => v.name))})`)
  }
  const done = new Set<string>()
  const visiting = new Set<string>()
  const emit = (type: GraphQLInputType): void => {
    const t = getNamedType(type)
    if (!isInputObjectType(t) || done.has(t.name)) return
    if (visiting.has(t.name)) throw new Error(`codegen(zod): recursive input ${t.name}`)
    visiting.add(t.name)
    const fields = Object.values(t.getFields())
    for (const field of fields) emit(field.type)
    const optional = (f: (typeof fields)[number]) => (f.defaultValue !== undefined && isNonNullType(f.type) ? `z.optional(${input(f.type)})` : input(f.type))
    lines.push(`export const ${t.name} = z.object({ ${fields.map((f) => `${JSON.stringify(f.name)}: ${optional(f)}`).join(', ')} })`)
    done.add(t.name)
  }
  for (const type of named.filter(isInputObjectType).sort((a, b) => a.name.localeCompare(b.name))) emit(type)

  const results: string[] = []
  const variables: string[] = []
  for (const op of operations.sort((a, b) => (a.name?.value ?? '').localeCompare(b.name?.value ?? ''))) {
    const name = op.name?.value
    if (!name) throw new Error('codegen(zod): every operation needs a name')
    const root = schema.getRootType(op.operation)
    if (!root) throw new Error(`codegen(zod): the schema has no ${op.operation} type`)
    const typeName = name + SUFFIX[op.operation]
    const vars = (op.variableDefinitions ?? []).map((def) => {
      const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined
      if (!type) throw new Error(`codegen(zod): ${name}: unknown variable type`)
      const text = def.defaultValue && isNonNullType(type) ? `z.optional(${input(type)})` : input(type)
      return `${JSON.stringify(def.variable.name.value)}: ${text}`
    })
    lines.push(`export const ${typeName}Variables = z.object({ ${vars.join(', ')} })`)
    lines.push(`export const ${typeName} = ${objectOf(schema, root, op.selectionSet, fragments)}`)
    results.push(`  ${name}: ${typeName},`)
    variables.push(`  ${name}: ${typeName}Variables,`)
  }
  return [
    header.trimEnd(),
    "import * as z from 'zod/mini'",
    '',
    ...lines,
    '',
    '/** The `data` of each operation, by operation name. */',
    'export const results = {',
    ...results,
    '} as const',
    '',
    '/** The variables of each operation, by operation name. */',
    'export const variables = {',
    ...variables,
    '} as const',
    '',
  ].join('\n')
}
