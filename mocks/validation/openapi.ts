/**
 * A request/response validator compiled from an OpenAPI 3.1 document (whose schemas are JSON
 * Schema 2020-12). The whole document is registered once in Ajv under an `$id`, and every schema
 * is reached through a JSON pointer into it, so `$ref: '#/components/schemas/...'` resolves as in
 * the document. Nothing is compiled before the first call; each schema is compiled once.
 */
import Ajv2020 from 'ajv/dist/2020.js'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { mediaTypeOf } from './body'
import { DEFAULT_MAX_ISSUES, dedupeIssues, issuesFromAjvErrors } from './issues'
import type {
  HttpMethod,
  OperationInfo,
  RequestInput,
  RequestValidation,
  RouteMatch,
  ValidationIssue,
  ValidationResult,
} from './types'

export interface OpenApiValidatorOptions {
  /** Absolute URI the document is registered under (e.g. `https://portcullis.dev/openapi/otp.json`). */
  id: string
  /** Most issues reported for one request or response. */
  maxIssues?: number
}

export interface OpenApiValidator {
  readonly id: string
  /** Finds the operation for a method and a URL path (no query string). */
  match(method: string, pathname: string): RouteMatch
  /** The operation with this `operationId`; throws for an unknown id (a programming error). */
  operation(operationId: string): OperationInfo
  operations(): OperationInfo[]
  /** Checks path, query, header and cookie parameters and the (already parsed) body. */
  validateRequest(operation: OperationInfo | string, input: RequestInput): RequestValidation
  /**
   * Checks a response against the operation's documented responses: the status must be listed,
   * the body must match its schema, and an error body's `code` must be one of the response's
   * `x-error-codes` (its `message` the one `x-error-messages` text when both list exactly one).
   */
  validateResponse(operation: OperationInfo | string, status: number, body: unknown, options?: { contentType?: string | null }): ValidationResult
  /** Validates any value against a schema reached by JSON pointer (e.g. `/components/schemas/Foo`). */
  validateSchema(pointer: string, value: unknown, prefix?: string): ValidationResult
}

const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

type Json = Record<string, unknown>

interface Route {
  template: string
  regex: RegExp
  names: string[]
  literalLength: number
  operations: Map<HttpMethod, OperationInfo>
}

interface Parameter {
  name: string
  in: 'query' | 'header' | 'path' | 'cookie'
  required: boolean
  /** Pointer of the parameter's schema, or null when it has none. */
  schemaPointer: string | null
  schema: Json | null
}

interface Compiled {
  ajv: Ajv2020
  routes: Route[]
  byId: Map<string, OperationInfo>
  validators: Map<string, ValidateFunction>
  parameters: Map<string, Parameter[]>
}

/** Words of an OpenAPI document that are not JSON Schema keywords. */
const OPENAPI_KEYWORDS = [
  'openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags',
  'externalDocs', 'example', 'discriminator', 'xml',
]

/** Every `x-*` key in the document. */
function extensionKeywords(doc: unknown): string[] {
  const found = new Set<string>()
  const stack: unknown[] = [doc]
  while (stack.length > 0) {
    const node = stack.pop()
    if (Array.isArray(node)) stack.push(...node)
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-')) found.add(key)
        stack.push(value)
      }
    }
  }
  return [...found]
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** Pointer from unescaped segments. */
export function pointerOf(...segments: string[]): string {
  return segments.map((s) => '/' + escapeSegment(s)).join('')
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** URI fragment form of a pointer: each segment percent-encoded (`{` → `%7B`). */
function fragmentOf(pointer: string): string {
  return pointer
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function createOpenApiValidator(spec: object, options: OpenApiValidatorOptions): OpenApiValidator {
  const id = options.id
  const maxIssues = options.maxIssues ?? DEFAULT_MAX_ISSUES
  const doc = spec as Json
  let compiled: Compiled | null = null

  function get(pointer: string): unknown {
    let node: unknown = doc
    for (const segment of pointerSegments(pointer)) {
      if (Array.isArray(node)) node = node[Number(segment)]
      else if (isObject(node)) node = node[segment]
      else return undefined
    }
    return node
  }

  /** Follows local `$ref`s (`#/...`) from a pointer; returns the final pointer and node. */
  function deref(pointer: string): { pointer: string; node: unknown } {
    let current = pointer
    let node = get(current)
    for (let hops = 0; hops < 32 && isObject(node) && typeof node['$ref'] === 'string'; hops++) {
      const ref = node['$ref'] as string
      if (!ref.startsWith('#')) throw new Error(`Only local $ref is supported, got ${ref}`)
      current = decodeURIComponent(ref.slice(1))
      node = get(current)
    }
    return { pointer: current, node }
  }

  function securityOf(operation: Json): OperationInfo['security'] {
    const requirements = (Array.isArray(operation['security']) ? operation['security'] : Array.isArray(doc['security']) ? doc['security'] : []) as unknown[]
    const schemes = new Set<string>()
    let optional = requirements.length === 0
    for (const requirement of requirements) {
      if (!isObject(requirement)) continue
      const names = Object.keys(requirement)
      if (names.length === 0) optional = true
      for (const name of names) schemes.add(name)
    }
    return { schemes: [...schemes], optional }
  }

  function build(): Compiled {
    // Strict about schema keywords (a typo such as `minLenght` in the spec throws instead of being
    // ignored), with the OpenAPI-only words declared as annotations: the document's top-level
    // fields (Ajv compiles the root it resolves `$ref`s in), `example`/`discriminator`/..., and
    // every `x-` extension the document uses.
    const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true, validateFormats: true })
    addFormats(ajv)
    ajv.addVocabulary([...OPENAPI_KEYWORDS, ...extensionKeywords(doc)].filter((k) => !ajv.getKeyword(k)))
    ajv.addSchema({ ...doc, $id: id })

    const routes: Route[] = []
    const byId = new Map<string, OperationInfo>()
    const paths = isObject(doc['paths']) ? doc['paths'] : {}
    for (const template of Object.keys(paths)) {
      const itemPointer = pointerOf('paths', template)
      const item = deref(itemPointer).node
      if (!isObject(item)) continue
      const names: string[] = []
      let literalLength = 0
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const param = /^\{([^}]+)\}$/.exec(part)
          if (param) {
            names.push(param[1]!)
            return '([^/]+)'
          }
          literalLength += part.length
          return escapeRegex(part)
        })
        .join('')
      const route: Route = { template, regex: new RegExp(`^${source}$`), names, literalLength, operations: new Map() }
      for (const method of METHODS) {
        const operation = item[method]
        if (!isObject(operation)) continue
        const operationId = typeof operation['operationId'] === 'string' ? operation['operationId'] : `${method} ${template}`
        const body = isObject(operation['requestBody']) ? deref(pointerOf('paths', template, method, 'requestBody')).node : undefined
        const info: OperationInfo = {
          operationId,
          method,
          path: template,
          pointer: pointerOf('paths', template, method),
          operation,
          security: securityOf(operation),
          requestBody: {
            present: isObject(body),
            required: isObject(body) && body['required'] === true,
            mediaTypes: isObject(body) && isObject(body['content']) ? Object.keys(body['content']) : [],
          },
        }
        route.operations.set(method, info)
        byId.set(operationId, info)
      }
      routes.push(route)
    }
    // Literal paths win over templated ones (`/a/new` before `/a/{id}`).
    routes.sort((a, b) => a.names.length - b.names.length || b.literalLength - a.literalLength)
    return { ajv, routes, byId, validators: new Map(), parameters: new Map() }
  }

  function state(): Compiled {
    compiled ??= build()
    return compiled
  }

  function validatorFor(pointer: string): ValidateFunction {
    const c = state()
    let fn = c.validators.get(pointer)
    if (!fn) {
      fn = c.ajv.compile({ $ref: `${id}#${fragmentOf(pointer)}` })
      c.validators.set(pointer, fn)
    }
    return fn
  }

  function check(pointer: string, value: unknown, prefix: string): ValidationIssue[] {
    const fn = validatorFor(pointer)
    if (fn(value)) return []
    return issuesFromAjvErrors(prefix, fn.errors, maxIssues)
  }

  function resolveOperation(operation: OperationInfo | string): OperationInfo {
    return typeof operation === 'string' ? api.operation(operation) : operation
  }

  function parametersOf(info: OperationInfo): Parameter[] {
    const c = state()
    const cached = c.parameters.get(info.operationId)
    if (cached) return cached
    const merged = new Map<string, Parameter>()
    const collect = (listPointer: string) => {
      const list = get(listPointer)
      if (!Array.isArray(list)) return
      list.forEach((_, index) => {
        const { pointer, node } = deref(`${listPointer}/${index}`)
        if (!isObject(node) || typeof node['name'] !== 'string' || typeof node['in'] !== 'string') return
        const location = node['in'] as Parameter['in']
        const name = location === 'header' ? node['name'].toLowerCase() : node['name']
        const schemaRef = isObject(node['schema']) ? deref(`${pointer}/schema`) : null
        merged.set(`${location}:${name}`, {
          name,
          in: location,
          required: location === 'path' || node['required'] === true,
          schemaPointer: isObject(node['schema']) ? `${pointer}/schema` : null,
          schema: schemaRef && isObject(schemaRef.node) ? schemaRef.node : null,
        })
      })
    }
    collect(pointerOf('paths', info.path, 'parameters'))
    collect(`${info.pointer}/parameters`)
    const params = [...merged.values()]
    c.parameters.set(info.operationId, params)
    return params
  }

  /** Parameters arrive as strings; turn them into what a primitive schema expects. */
  function coerce(schema: Json | null, raw: string[]): unknown {
    const type = schema ? resolvedType(schema) : undefined
    if (type === 'array') {
      const items = schema && isObject(schema['items']) ? schema['items'] : null
      return raw.map((value) => coerceOne(items, value))
    }
    return coerceOne(schema, raw[0]!)
  }

  function resolvedType(schema: Json): string | undefined {
    let node: unknown = schema
    for (let hops = 0; hops < 32 && isObject(node) && typeof node['$ref'] === 'string'; hops++) {
      node = deref(decodeURIComponent((node['$ref'] as string).slice(1))).node
    }
    return isObject(node) && typeof node['type'] === 'string' ? node['type'] : undefined
  }

  function coerceOne(schema: Json | null, value: string): unknown {
    const type = schema ? resolvedType(schema) : undefined
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value)
    if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
    return value
  }

  function readParam(param: Parameter, input: RequestInput, cookies: Map<string, string>): string[] {
    switch (param.in) {
      case 'query': {
        const q = input.query
        if (!q) return []
        if (q instanceof URLSearchParams) return q.getAll(param.name)
        const v = q[param.name]
        return v === undefined ? [] : Array.isArray(v) ? v : [v]
      }
      case 'header': {
        const value = headerValue(input.headers, param.name)
        return value === null ? [] : [value]
      }
      case 'path': {
        const v = input.pathParams?.[param.name]
        return v === undefined ? [] : [v]
      }
      case 'cookie': {
        const v = cookies.get(param.name)
        return v === undefined ? [] : [v]
      }
    }
  }

  function validateParameters(info: OperationInfo, input: RequestInput, issues: ValidationIssue[]) {
    const out = { query: {} as Record<string, unknown>, headers: {} as Record<string, unknown>, path: {} as Record<string, unknown>, cookies: {} as Record<string, unknown> }
    const cookies = parseCookies(headerValue(input.headers, 'cookie'))
    for (const param of parametersOf(info)) {
      const prefix = param.in === 'header' ? 'header' : param.in
      const raw = readParam(param, input, cookies)
      if (raw.length === 0) {
        if (param.required) issues.push({ path: `${prefix}.${param.name}`, message: 'is required' })
        continue
      }
      const isArray = param.schema ? resolvedType(param.schema) === 'array' : false
      if (raw.length > 1 && !isArray) {
        issues.push({ path: `${prefix}.${param.name}`, message: 'must not be repeated' })
        continue
      }
      const value = coerce(param.schema, raw)
      const found = param.schemaPointer ? check(param.schemaPointer, value, `${prefix}.${param.name}`) : []
      if (found.length > 0) {
        issues.push(...found)
        continue
      }
      const target = param.in === 'query' ? out.query : param.in === 'header' ? out.headers : param.in === 'path' ? out.path : out.cookies
      target[param.name] = value
    }
    return out
  }

  function matchMediaType(available: string[], mediaType: string | null): string | undefined {
    if (mediaType === null) return undefined
    const exact = available.find((m) => m.toLowerCase() === mediaType)
    if (exact) return exact
    const [type] = mediaType.split('/')
    return available.find((m) => m.toLowerCase() === `${type}/*`) ?? available.find((m) => m === '*/*')
  }

  const api: OpenApiValidator = {
    id,

    match(method, pathname) {
      const m = method.toLowerCase() as HttpMethod
      const allow = new Set<string>()
      for (const route of state().routes) {
        const found = route.regex.exec(pathname)
        if (!found) continue
        const info = route.operations.get(m)
        if (info) {
          const pathParams: Record<string, string> = {}
          try {
            route.names.forEach((name, i) => {
              pathParams[name] = decodeURIComponent(found[i + 1]!)
            })
          } catch {
            continue
          }
          return { kind: 'found', operation: info, pathParams }
        }
        for (const key of route.operations.keys()) allow.add(key.toUpperCase())
      }
      return allow.size > 0 ? { kind: 'method_not_allowed', allow: [...allow] } : { kind: 'not_found' }
    },

    operation(operationId) {
      const info = state().byId.get(operationId)
      if (!info) throw new Error(`Unknown operation ${operationId} in ${id}`)
      return info
    },

    operations() {
      return [...state().byId.values()]
    },

    validateRequest(operation, input) {
      const info = resolveOperation(operation)
      const issues: ValidationIssue[] = []
      const params = validateParameters(info, input, issues)

      const body = input.body
      if (info.requestBody.present) {
        if (body === undefined) {
          if (info.requestBody.required) issues.push({ path: 'body', message: 'is required' })
        } else {
          const contentType = input.contentType !== undefined ? input.contentType : headerValue(input.headers, 'content-type')
          const key = matchMediaType(info.requestBody.mediaTypes, mediaTypeOf(contentType))
          if (key === undefined) {
            issues.push({ path: 'header.content-type', message: `must be ${info.requestBody.mediaTypes.join(' or ')}` })
          } else {
            const bodyPointer = deref(`${info.pointer}/requestBody`).pointer
            const media = get(`${bodyPointer}/content/${escapeSegment(key)}`)
            if (isObject(media) && isObject(media['schema'])) {
              issues.push(...check(`${bodyPointer}/content/${escapeSegment(key)}/schema`, body, 'body'))
            }
          }
        }
      }

      if (issues.length > 0) return { ok: false, issues: dedupeIssues(issues, maxIssues) }
      return { ok: true, body, ...params }
    },

    validateResponse(operation, status, body, options = {}) {
      const info = resolveOperation(operation)
      const responses = get(`${info.pointer}/responses`)
      if (!isObject(responses)) return { ok: false, issues: [{ path: 'status', message: `${info.operationId} documents no responses` }] }
      const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses)
      if (key === undefined) {
        return { ok: false, issues: [{ path: 'status', message: `${status} is not a documented response of ${info.operationId} (documented: ${Object.keys(responses).join(', ')})` }] }
      }
      const { pointer, node } = deref(`${info.pointer}/responses/${escapeSegment(key)}`)
      if (!isObject(node)) return { ok: false, issues: [{ path: 'status', message: `response ${key} of ${info.operationId} is not an object` }] }
      const content = isObject(node['content']) ? node['content'] : {}
      const mediaTypes = Object.keys(content)
      const issues: ValidationIssue[] = []

      if (mediaTypes.length === 0) {
        if (body !== undefined && body !== null && body !== '') issues.push({ path: 'body', message: `must be empty for ${status}` })
        return issues.length ? { ok: false, issues } : { ok: true }
      }
      if (body === undefined) return { ok: false, issues: [{ path: 'body', message: `is required for ${status}` }] }

      let mediaKey: string | undefined = mediaTypes[0]
      if (options.contentType !== undefined) {
        const mediaType = mediaTypeOf(options.contentType)
        mediaKey = matchMediaType(mediaTypes, mediaType)
        if (mediaKey === undefined) issues.push({ path: 'header.content-type', message: `must be ${mediaTypes.join(' or ')}, got ${options.contentType ?? 'none'}` })
      }
      if (mediaKey !== undefined && isObject(content[mediaKey]) && isObject((content[mediaKey] as Json)['schema'])) {
        issues.push(...check(`${pointer}/content/${escapeSegment(mediaKey)}/schema`, body, 'body'))
      }

      // The x-error-* extensions pin the machine code (and, when unambiguous, the text) of an error.
      if (isObject(body)) {
        const codes = Array.isArray(node['x-error-codes']) ? (node['x-error-codes'] as unknown[]) : null
        const messages = Array.isArray(node['x-error-messages']) ? (node['x-error-messages'] as unknown[]) : null
        if (codes && codes.length > 0 && 'code' in body && !codes.includes(body['code'])) {
          issues.push({ path: 'body.code', message: `must be one of ${codes.join(', ')} for ${status}, got ${String(body['code'])}` })
        }
        if (codes?.length === 1 && messages?.length === 1 && body['code'] === codes[0] && body['message'] !== messages[0]) {
          issues.push({ path: 'body.message', message: `must be "${String(messages[0])}" for ${String(codes[0])}` })
        }
      }
      return issues.length ? { ok: false, issues: dedupeIssues(issues, maxIssues) } : { ok: true }
    },

    validateSchema(pointer, value, prefix = 'value') {
      const issues = check(pointer, value, prefix)
      return issues.length ? { ok: false, issues } : { ok: true }
    },
  }

  return api
}

function headerValue(headers: RequestInput['headers'], name: string): string | null {
  if (!headers) return null
  if (headers instanceof Headers) return headers.get(name)
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower && value !== undefined) return value
  return null
}

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>()
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      value = decodeURIComponent(value)
    } catch {
      /* keep raw */
    }
    if (!out.has(name)) out.set(name, value)
  }
  return out
}
