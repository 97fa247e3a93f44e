/**
 * OpenAPI 3.1 → zod/mini source: one schema per `components.schemas` entry, plus per operation
 * (`"POST /auth/login"`) its JSON request body and its JSON answer for each documented status.
 *
 * A small step of our own rather than a plugin: the maintained zod generator
 * (`@hey-api/openapi-ts`) needs Node ≥ 22.18, and this toolchain is Node 20; the specs use
 * a small JSON Schema subset, listed in `expression` (anything else fails codegen loudly).
 */
type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const ident = (name: string): string => name.replace(/\W/g, '_')
const REF = '#/components/schemas/'

/** Follows a `$ref` inside the document (responses, request bodies, parameters). */
function resolve(spec: Json, node: unknown): Json {
  let current = node
  for (let hops = 0; isObject(current) && typeof current['$ref'] === 'string'; hops++) {
    if (hops > 10) throw new Error(`codegen(zod): $ref loop at ${String(current['$ref'])}`)
    current = (current['$ref'] as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (isObject(at) ? at[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), spec)
  }
  if (!isObject(current)) throw new Error('codegen(zod): unresolved $ref')
  return current
}

const KEYS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'format', 'pattern',
  'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'oneOf', 'anyOf', 'allOf', '$ref',
  // documentation only
  'description', 'title', 'example', 'examples', 'default', 'discriminator', 'deprecated', 'readOnly', 'writeOnly', 'externalDocs',
])

/**
 * JSON Schema formats as Ajv (ajv-formats, which checks the mock's requests) reads them: its
 * `email` admits every RFC 5322 local-part character (a masked `a***@example.com` included),
 * which zod's default email pattern does not, so the HTML5 pattern is used.
 */
const FORMATS: Record<string, string> = { email: 'z.email({ pattern: z.regexes.html5Email })', uri: 'z.url()', 'date-time': 'z.iso.datetime({ offset: true })' }

function checks(schema: Json, pairs: Array<[string, string]>): string {
  const list = pairs.filter(([key]) => schema[key] !== undefined).map(([key, fn]) => `z.${fn}(${key === 'pattern' ? `/${String(schema[key]).replace(/\//g, '\\/')}/` : String(schema[key])})`)
  return list.length ? `.check(${list.join(', ')})` : ''
}

/** One schema as a zod/mini expression; `deps` collects the components it names. */
export function expression(schema: unknown, deps: Set<string>): string {
  if (schema === true || (isObject(schema) && Object.keys(schema).every((k) => !KEYS.has(k) || ['description', 'title', 'example', 'examples'].includes(k)))) return 'z.unknown()'
  if (!isObject(schema)) throw new Error(`codegen(zod): unsupported schema ${JSON.stringify(schema)}`)
  for (const key of Object.keys(schema)) if (!KEYS.has(key) && !key.startsWith('x-')) throw new Error(`codegen(zod): unsupported keyword ${key}`)
  const ref = schema['$ref']
  if (typeof ref === 'string') {
    if (!ref.startsWith(REF)) throw new Error(`codegen(zod): unsupported $ref ${ref}`)
    const name = ref.slice(REF.length)
    deps.add(name)
    return ident(name)
  }
  const branches = (schema['oneOf'] ?? schema['anyOf']) as unknown[] | undefined
  if (branches) return `z.union([${branches.map((b) => expression(b, deps)).join(', ')}])`
  const parts = schema['allOf'] as unknown[] | undefined
  if (parts) return parts.map((p) => expression(p, deps)).reduce((a, b) => `z.intersection(${a}, ${b})`)
  if (schema['const'] !== undefined) return `z.literal(${JSON.stringify(schema['const'])})`
  const values = schema['enum'] as unknown[] | undefined
  if (values) {
    return values.every((v) => typeof v === 'string') ? `z.enum(${JSON.stringify(values)})` : `z.union([${values.map((v) => `z.literal(${JSON.stringify(v)})`).join(', ')}])`
  }
  const types = ([] as unknown[]).concat(schema['type'] ?? [])
  if (types.length === 0) throw new Error(`codegen(zod): schema without type ${JSON.stringify(schema)}`)
  const nullable = types.includes('null')
  const rest = types.filter((t) => t !== 'null')
  const one = (type: unknown): string => {
    switch (type) {
      case 'string': {
        const format = typeof schema['format'] === 'string' ? FORMATS[schema['format']] : undefined
        return (format ?? 'z.string()') + checks(schema, [['minLength', 'minLength'], ['maxLength', 'maxLength'], ['pattern', 'regex']])
      }
      case 'integer':
      case 'number':
        return (type === 'integer' ? 'z.int()' : 'z.number()') + checks(schema, [['minimum', 'gte'], ['maximum', 'lte']])
      case 'boolean':
        return 'z.boolean()'
      case 'array':
        return `z.array(${expression(schema['items'] ?? true, deps)})${checks(schema, [['minItems', 'minLength'], ['maxItems', 'maxLength']])}`
      case 'object':
        return object(schema, deps)
      default:
        throw new Error(`codegen(zod): unsupported type ${String(type)}`)
    }
  }
  // `type: [object, array, …]` with every JSON type is "any value".
  if (rest.length >= 6) return 'z.unknown()'
  const body = rest.length === 1 ? one(rest[0]) : `z.union([${rest.map(one).join(', ')}])`
  return nullable ? (rest.length ? `z.nullable(${body})` : 'z.null()') : body
}

function object(schema: Json, deps: Set<string>): string {
  const properties = (schema['properties'] ?? {}) as Json
  const required = new Set((schema['required'] ?? []) as string[])
  const extra = schema['additionalProperties']
  const names = Object.keys(properties)
  if (names.length === 0 && isObject(extra)) return `z.record(z.string(), ${expression(extra, deps)})`
  const fields = names.map((name) => {
    const value = expression(properties[name], deps)
    return `${JSON.stringify(name)}: ${required.has(name) ? value : `z.optional(${value})`}`
  })
  // Extra keys are refused only where the spec says so; otherwise they pass (and are kept).
  const kind = extra === false ? 'z.strictObject' : 'z.looseObject'
  return `${kind}({ ${fields.join(', ')} })`
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

/** The JSON (or form) schema of a request body or response, if it has one. */
function mediaSchema(spec: Json, node: unknown): unknown {
  const content = resolve(spec, node)['content']
  if (!isObject(content)) return undefined
  const media = content['application/json'] ?? content['application/x-www-form-urlencoded']
  return isObject(media) ? media['schema'] : undefined
}

/** The module text for one spec. */
export function openapiZod(spec: Json, header: string): string {
  const components = ((spec['components'] as Json | undefined)?.['schemas'] ?? {}) as Json
  const defs = new Map<string, { text: string; deps: Set<string> }>()
  for (const [name, schema] of Object.entries(components)) {
    const deps = new Set<string>()
    defs.set(name, { text: expression(schema, deps), deps })
  }
  // Dependencies first (the specs have no recursive schemas; a cycle fails codegen).
  const ordered: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') throw new Error(`codegen(zod): recursive schema ${name}`)
    state.set(name, 'visiting')
    const def = defs.get(name)
    if (!def) throw new Error(`codegen(zod): no schema ${name}`)
    for (const dep of [...def.deps].sort()) visit(dep)
    state.set(name, 'done')
    ordered.push(name)
  }
  for (const name of [...defs.keys()].sort()) visit(name)

  const requests: string[] = []
  const responses: string[] = []
  for (const [path, item] of Object.entries((spec['paths'] ?? {}) as Json)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method]
      if (!isObject(operation)) continue
      const key = JSON.stringify(`${method.toUpperCase()} ${path}`)
      const body = operation['requestBody'] && mediaSchema(spec, operation['requestBody'])
      if (body) requests.push(`  ${key}: ${expression(body, new Set())},`)
      const answers = Object.entries((operation['responses'] ?? {}) as Json).map(([status, response]) => {
        const schema = mediaSchema(spec, response)
        return `${/^\d+$/.test(status) ? status : JSON.stringify(status)}: ${schema ? expression(schema, new Set()) : 'null'}`
      })
      responses.push(`  ${key}: { ${answers.join(', ')} },`)
    }
  }
  return [
    header.trimEnd(),
    "import * as z from 'zod/mini'",
    '',
    ...ordered.map((name) => `export const ${ident(name)} = ${defs.get(name)!.text}`),
    '',
    '/** The JSON (or form) body of each operation that takes one, by `"METHOD /path"`. */',
    'export const requestBodies = {',
    ...requests,
    '} as const',
    '',
    '/** Each operation\'s documented answers by status: the JSON body schema, or null when the answer is not JSON. */',
    'export const responses = {',
    ...responses,
    '} as const',
    '',
  ].join('\n')
}
