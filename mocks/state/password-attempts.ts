/**
 * A throttled password check that concurrency cannot fool either way. The attempt is counted
 * before the (slow) hash comparison and taken back when the password is right, so parallel
 * guesses are all seen; and when the account's budget is full only because other checks of it
 * are still in flight, this one waits for them to settle instead of being refused, so an e2e
 * suite signing one user in from many workers at once gets no spurious 429.
 */
import { clientOf, type Taken } from './limits'
import type { BackendState, User } from './types'

type InFlight = Map<string, Set<Promise<unknown>>>

export async function checkPasswordThrottled(
  state: BackendState,
  request: { readonly headers: Headers },
  account: string,
  user: User | undefined,
  password: string,
): Promise<{ ok: true; matches: boolean } | Extract<Taken, { ok: false }>> {
  const inFlight = state.scratch<InFlight>('password-checks-in-flight', () => new Map())
  for (;;) {
    const taken = state.limits.take('passwordFailures', { account, client: clientOf(request) })
    if (taken.ok) {
      const check = state.users.checkPassword(user, password)
      let pending = inFlight.get(account)
      if (!pending) inFlight.set(account, (pending = new Set()))
      pending.add(check)
      try {
        const matches = await check
        if (matches) taken.release()
        return { ok: true, matches }
      } finally {
        pending.delete(check)
        if (pending.size === 0) inFlight.delete(account)
      }
    }
    const pending = inFlight.get(account)
    // Refused by settled failures (or the client's budget with none of this account's in flight).
    if (!pending?.size) return taken
    await Promise.race([...pending].map((check) => check.catch(() => undefined)))
  }
}
