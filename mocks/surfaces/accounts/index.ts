/**
 * The accounts surface (django-graphql-auth 0.3.16 + django-graphql-jwt): GraphQL over HTTP at
 * `POST /graphql` (classic arguments) and `POST /graphql/relay` (relay `input:`), one
 * implementation behind both, on the shared identity store, token service, outbox and clock.
 */
import type { RequestContext, Surface } from '../../state/types'
import { serveGraphQL } from '../graphql-http'
import { createAccountsContext } from './context'
import { accountsSchema } from './schema'

export const ACCOUNTS_PATH = '/graphql'
export const ACCOUNTS_RELAY_PATH = '/graphql/relay'

/**
 * Root fields that check a password, send mail or create an account: at most
 * `limits.sensitiveFieldsPerRequest` of them per request (aliases included).
 */
export const ACCOUNTS_SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'tokenAuth',
  'register',
  'resendActivationEmail',
  'sendPasswordResetEmail',
  'passwordReset',
  'passwordSet',
  'passwordChange',
  'archiveAccount',
  'deleteAccount',
  'sendSecondaryEmailActivation',
  'swapEmails',
  'removeSecondaryEmail',
])

/** Trailing slashes tolerated, as the msw route patterns do. */
const flavourOf = (url: URL): 'classic' | 'relay' | null => {
  const path = url.pathname.replace(/\/+$/, '') || '/'
  return path === ACCOUNTS_PATH ? 'classic' : path === ACCOUNTS_RELAY_PATH ? 'relay' : null
}

export const accountsSurface: Surface = {
  name: 'accounts',
  owns: (url) => flavourOf(url) !== null,
  handle: (ctx: RequestContext) =>
    serveGraphQL(ctx, {
      surface: 'accounts',
      schema: accountsSchema(flavourOf(ctx.url) ?? 'classic'),
      context: createAccountsContext(ctx) as unknown as Record<string, unknown>,
      sensitiveFields: ACCOUNTS_SENSITIVE_FIELDS,
    }),
}

export { createActionToken, readActionToken, ACTIONS, type Action, type ActionPayload } from './action-tokens'
export { MESSAGES, FORM_MESSAGES, JWT_MESSAGES, WRONG_USAGE, type ErrorEntry, type ErrorsObject } from './messages'
export { accountsSchema } from './schema'
