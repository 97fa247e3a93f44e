/**
 * What every platform resolver gets: the request, the backend state and, on demand, the caller
 * authenticated by the bearer token (an access token of a live platform session: audience
 * `portcullis:platform`).
 */
import type { GraphQLFieldResolver } from 'graphql'
import type { AccessClaims, BackendState, RequestContext, SessionRecord, User } from '../../../state/types'
import { platformError } from '../errors'

export interface Caller {
  user: User
  session: SessionRecord
  claims: AccessClaims
}

export interface PlatformContext {
  request: RequestContext
  state: BackendState
  /** Resolves the bearer token once per request; throws UNAUTHENTICATED. */
  caller(): Promise<Caller>
}

export type Resolver = GraphQLFieldResolver<unknown, PlatformContext, Record<string, unknown>>

export function createPlatformContext(request: RequestContext): PlatformContext {
  let pending: Promise<Caller> | undefined
  return {
    request,
    state: request.state,
    caller: () => (pending ??= authenticate(request)),
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i

async function authenticate(request: RequestContext): Promise<Caller> {
  const header = request.headers.get('authorization')
  if (!header) throw platformError('UNAUTHENTICATED', { reason: 'missing' })
  const match = BEARER.exec(header)
  if (!match) throw platformError('UNAUTHENTICATED', { reason: 'invalid' })
  // Only platform tokens: another surface's token (say otp's, whose login has no second factor) is refused.
  const verified = await request.state.tokens.verifyAccessToken(match[1]!, 'platform')
  if (!verified.ok) throw platformError('UNAUTHENTICATED', { reason: verified.reason })
  const user = request.state.users.get(verified.claims.sub)
  if (!user) throw platformError('UNAUTHENTICATED', { reason: 'invalid' })
  requireEnabled(user)
  return { user, session: verified.session, claims: verified.claims }
}

/** Throws ACCOUNT_DISABLED for an inactive, suspended or non-ACTIVE user. */
export function requireEnabled(user: User): void {
  if (!user.isActive || user.suspended || user.status !== 'ACTIVE') throw platformError('ACCOUNT_DISABLED')
}

/** The client's address from `x-forwarded-for` (first hop) or `x-real-ip`; null without either. */
export function clientIp(request: RequestContext): string | null {
  const forwarded = request.headers.get('x-forwarded-for')
  const first = forwarded?.split(',')[0]?.trim()
  return first || request.headers.get('x-real-ip') || null
}
