/**
 * The accounts adapter and flows print their own slim documents from one spec per mutation, in
 * classic and relay form. Each printed document must be valid against its schema and be the
 * generated operation of the same name (same variables, same root field and arguments), so the
 * generated `*Variables` types the flows are typed with apply and the request log shows the
 * generated operation names.
 */
import { readFileSync } from 'node:fs'
import { buildSchema, Kind, parse, print, validate, type OperationDefinitionNode } from 'graphql'
import { describe, expect, it } from 'vitest'
import { PASSWORD_CHANGE, REFRESH_TOKEN, REVOKE_TOKEN, TOKEN_AUTH } from '../../../src/accounts/adapter'
import { FLOW_OPERATIONS } from '../../../src/accounts/flows'
import { documentOf, outputError, type OperationSpec } from '../../../src/accounts/operations'
import * as classicGenerated from '../../../src/generated/accounts/graphql'
import * as relayGenerated from '../../../src/generated/accounts-relay/graphql'

const schemaOf = (file: string) => buildSchema(readFileSync(new URL(`../../../schema/graphql/${file}`, import.meta.url), 'utf8'))
const schemas = { classic: schemaOf('accounts.graphql'), relay: schemaOf('accounts-relay.graphql') }
const generated = { classic: classicGenerated as Record<string, unknown>, relay: relayGenerated as Record<string, unknown> }

const specs: OperationSpec[] = [TOKEN_AUTH, REFRESH_TOKEN, REVOKE_TOKEN, PASSWORD_CHANGE, ...Object.values(FLOW_OPERATIONS)]

const operationOf = (text: string): OperationDefinitionNode => {
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  expect(operations).toHaveLength(1)
  return operations[0]!
}

describe.each(['classic', 'relay'] as const)('accounts operations (%s)', (flavour) => {
  const relay = flavour === 'relay'

  it('cover every mutation of the schema', () => {
    const fields = Object.keys(schemas[flavour].getMutationType()!.getFields()).filter((name) => name !== 'verifyToken').sort()
    expect(specs.map((spec) => spec.field).sort()).toEqual(fields)
  })

  it.each(specs.map((spec) => [spec.name, spec] as const))('%s is valid and mirrors the generated operation', (_name, spec) => {
    const text = documentOf(spec, relay)
    expect(validate(schemas[flavour], parse(text)).map((e) => e.message)).toEqual([])
    const name = `${spec.name}${relay ? 'Relay' : ''}`
    const theirs = generated[flavour][`${name}Document`]
    expect(theirs, `no generated ${name}Document`).toBeDefined()
    const mine = operationOf(text)
    const other = operationOf(String(theirs))
    expect(mine.name?.value).toBe(name)
    expect(mine.variableDefinitions?.map(print)).toEqual(other.variableDefinitions?.map(print))
    const root = (op: OperationDefinitionNode) => {
      const field = op.selectionSet.selections[0]!
      return field.kind === Kind.FIELD ? [field.name.value, field.arguments?.map(print)] : null
    }
    expect(root(mine)).toEqual(root(other))
  })
})

describe('outputError', () => {
  it('reads the first entry as code and message, every field into details, and picks the kind', () => {
    const error = outputError({
      password2: [
        { message: 'This password is too short. It must contain at least 8 characters.', code: 'password_too_short' },
        { message: 'This password is too common.', code: 'password_too_common' },
      ],
      email: [{ message: 'Enter a valid email address.', code: 'invalid' }],
    })
    expect(error).toMatchObject({ code: 'password_too_short', kind: 'validation', message: 'This password is too short. It must contain at least 8 characters.' })
    expect(error.details).toEqual({ password2: ['This password is too short. It must contain at least 8 characters.', 'This password is too common.'], email: ['Enter a valid email address.'] })
    expect(outputError({ nonFieldErrors: [{ message: 'Please verify your account.', code: 'not_verified' }] })).toMatchObject({ kind: 'auth', code: 'not_verified' })
    expect(outputError({ nonFieldErrors: [{ message: 'Too many …', code: 'throttled' }] })).toMatchObject({ kind: 'rate_limit', retryable: true })
    expect(outputError({ nonFieldErrors: [{ message: 'Failed to send email.', code: 'email_fail' }] })).toMatchObject({ kind: 'server' })
    expect(outputError(null)).toMatchObject({ code: 'request_failed', kind: 'validation' })
  })
})
