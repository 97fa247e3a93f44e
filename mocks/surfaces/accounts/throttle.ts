/**
 * Failed-password throttle for the accounts surface (django-graphql-auth has none; Portcullis
 * adds one so the mock can be attacked the way the real thing would be). Wrong passwords are
 * counted per account and per client on the mock clock; once either count reaches its limit
 * inside the window, password checks are refused (the right password too) until the oldest
 * failure leaves the window. Only failures count, so a user who types the right password is
 * never locked out by their own sign-ins.
 */
import type { BackendState, RequestContext, User } from '../../state/types'

/** A client may fail this many times more than one account, so one attacker cannot lock out many users quickly. */
const CLIENT_FACTOR = 10

type Failures = Map<string, number[]>

const failures = (state: BackendState): Failures => state.scratch('accounts.passwordFailures', () => new Map<string, number[]>())

function clientKey(request: RequestContext): string {
  const forwarded = request.request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  return `client:${forwarded || request.request.headers.get('x-real-ip') || 'local'}`
}

function recent(state: BackendState, key: string): number[] {
  const windowMs = state.config.accounts.failedPasswordWindowSeconds * 1000
  const now = state.clock.now()
  const list = (failures(state).get(key) ?? []).filter((at) => at > now - windowMs && at <= now)
  if (list.length) failures(state).set(key, list)
  else failures(state).delete(key)
  return list
}

export interface PasswordGate {
  /** Seconds until a check is allowed again; 0 when it is allowed now. */
  retryAfterSeconds: number
  /** Counts one failure against the account and the client. */
  fail(): void
}

export function passwordGate(request: RequestContext, user: User | undefined): PasswordGate {
  const { state } = request
  const { failedPasswordLimit: limit, failedPasswordWindowSeconds: windowSeconds } = state.config.accounts
  const keys: Array<[string, number]> = [[clientKey(request), limit * CLIENT_FACTOR]]
  if (user) keys.push([`user:${user.id}`, limit])
  let retryAfterMs = 0
  for (const [key, max] of keys) {
    const list = recent(state, key)
    if (list.length >= max) retryAfterMs = Math.max(retryAfterMs, (list[list.length - max] ?? 0) + windowSeconds * 1000 - state.clock.now())
  }
  return {
    retryAfterSeconds: retryAfterMs > 0 ? Math.ceil(retryAfterMs / 1000) : 0,
    fail() {
      const now = state.clock.now()
      for (const [key] of keys) failures(state).set(key, [...recent(state, key), now])
    },
  }
}
