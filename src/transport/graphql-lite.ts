/**
 * Stands in for graphql-js inside graphql-request, which the build bundles into the typed GraphQL
 * clients (see scripts/esbuild-graphql-lite.mjs). graphql-request imports graphql-js's parser and
 * printer, yet our clients only ever send documents codegen already printed: all it still needs
 * is the operation's type and name, read here from the document's first definition. That keeps
 * graphql-js (~13 KB gzip) out of every browser bundle that uses a typed client.
 */

export const Kind = { OPERATION_DEFINITION: 'OperationDefinition' } as const

/** The first definition of a printed document: `query Name`, `mutation Name`, `subscription Name`. */
const OPERATION_HEADER = /^\s*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/

/** Only the part of a DocumentNode that graphql-request reads (operation type and name). */
export interface OperationOutline {
  kind: 'Document'
  definitions: { kind: typeof Kind.OPERATION_DEFINITION; operation: string; name: { kind: 'Name'; value: string } }[]
}

/**
 * Throws for anything else (an anonymous or hand-written document): graphql-request catches that
 * and sends the document without an `operationName`, which GraphQL servers infer.
 */
export function parse(source: string): OperationOutline {
  const header = OPERATION_HEADER.exec(source)
  if (!header?.[1] || !header[2]) throw new SyntaxError('not a named operation')
  return { kind: 'Document', definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: header[1], name: { kind: 'Name', value: header[2] } }] }
}

/** graphql-request prints only DocumentNode objects, which the typed clients never pass. */
export function print(): never {
  throw new TypeError('portcullis typed clients send printed documents (strings), not DocumentNode objects')
}
