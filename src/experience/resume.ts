/**
 * Resuming any experience step after a page reload or a trip to a social / SSO provider. The
 * core's `auth.resumeChallenge()` takes back codes and second factors only; the experience
 * API's other steps (a missing profile field, MFA enrolment, the provider round trip, a new
 * provider identity) continue the same server-side interaction too, as long as its cookies live
 * (in a page the browser keeps them; on a server the saved step carries the jar).
 */
import type { ChallengeState } from '../core/adapter'
import type { AuthClient } from '../core/auth-client'
import type { Challenge } from '../core/challenge'
import { AuthError } from '../core/errors'
import type { ExperienceAdapter } from './adapter'

const STEPS: readonly string[] = ['missing_profile', 'bind_mfa', 'connector_redirect', 'new_identity']
const METHODS: readonly string[] = ['email_code', 'phone_code', 'totp', 'backup_code', 'webauthn']
const scalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value)

/** The saved step, checked; null when it is not one of ours. */
function parseStep(saved: unknown, adapter: string): ChallengeState | null {
  let value = saved
  try {
    if (typeof value === 'string') value = JSON.parse(value)
  } catch {
    return null
  }
  const s = value as Partial<ChallengeState> | null
  const data = s?.data
  const valid =
    typeof s === 'object' &&
    s !== null &&
    s.adapter === adapter &&
    STEPS.includes(s.kind as string) &&
    Array.isArray(s.methods) &&
    s.methods.every((m) => METHODS.includes(m)) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    Object.values(data).every(scalar) &&
    ['event', 'verifier', 'state'].every((key) => typeof data[key] === 'string')
  return valid ? { adapter, kind: s.kind!, methods: [...s.methods!], expiresAt: null, attemptsLeft: null, data: { ...data } } : null
}

/**
 * Restores a step saved with `JSON.stringify(challenge)`: every experience step, the ones
 * `auth.resumeChallenge()` takes included (handed to it). Like a fresh `signIn()` result, the
 * step is announced with a `challenge` event. Rejects anything else with `invalid_challenge`.
 */
export async function resumeExperienceStep(auth: AuthClient<ExperienceAdapter>, saved: string | ChallengeState): Promise<Challenge> {
  const step = parseStep(saved, auth.api.name)
  // Codes and second factors: the core checks them (and rejects anything else).
  if (!step) return auth.resumeChallenge(saved)
  const result = await auth.run(async () => ({ type: 'challenge', challenge: step }))
  if (result.status !== 'challenge') throw new AuthError('Not a saved step of this sign-in.', { code: 'invalid_challenge', kind: 'validation' })
  return result.challenge
}
