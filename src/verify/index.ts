/**
 * `portcullis/verify`: runs the contract scenarios against a backend (the reference mock, or a
 * team's staging deployment) and reports, per surface and scenario, every answer that left the
 * schemas the SDK was generated from, or a documented status or error code it did not keep.
 *
 * Non-destructive by default: off the mock, scenarios sign in with the account you give and
 * sign out again; those that change data or settings need `allowWrites`, and those that need
 * the mock's control API (its clock) run only against the mock.
 */
import type { FetchLike } from '../core/types'
import { detectMock, SURFACES, type Account, type CodeSource, type Scenario, type ScenarioContext, type SurfaceName } from './context'
import { Findings, Skipped, StepFailed, type Failure } from './probe'
import { accountsScenarios } from './scenarios/accounts'
import { experienceScenarios, MOCK_CLIENT, type ExperienceClientOptions } from './scenarios/experience'
import { otpScenarios } from './scenarios/otp'
import { platformScenarios } from './scenarios/platform'

export type { Account, CodeRequest, CodeSource, SurfaceName } from './context'
export type { Failure } from './probe'
export type { ExperienceClientOptions } from './scenarios/experience'
export { toHuman, toJson, toJUnit } from './report'

/** What `verify()` runs against and with. */
export interface VerifyOptions {
  /** The backend's origin (and base path), e.g. the mock's `http://127.0.0.1:4010`. */
  baseUrl: string
  /** Default: every surface. */
  surfaces?: readonly SurfaceName[]
  /** The account scenarios sign in with (required off the mock; on the mock each scenario creates its own user). */
  account?: Account
  /**
   * An account with a second factor for the 2FA scenarios off the mock (they are skipped without
   * one): platform's emailed code, the experience API's TOTP.
   */
  twoFactorAccount?: Account
  /**
   * Where one-time codes come from (platform's emailed 2FA code, the experience API's TOTP and
   * emailed sign-in code); default on the mock: its outbox.
   */
  code?: CodeSource
  /** Run the scenarios that change data or settings off the mock too. */
  allowWrites?: boolean
  /** The experience API's OIDC client (default: the mock's demo client). */
  experienceClient?: ExperienceClientOptions
  fetch?: FetchLike
}

/** One scenario's outcome, with what broke the contract. */
export interface ScenarioResult {
  surface: SurfaceName
  scenario: string
  outcome: 'passed' | 'failed' | 'skipped'
  durationMs: number
  failures: Failure[]
  /** Why it was skipped. */
  reason?: string
}

/** The outcome of a `verify()` run, as the reporters print it. */
export interface VerifyReport {
  baseUrl: string
  /** Whether `baseUrl` answered as the reference mock (its control API). */
  mock: boolean
  startedAt: string
  passed: boolean
  results: ScenarioResult[]
}

/** The scenario suite `verify()` runs, every surface in order. */
export function scenarios(experienceClient?: ExperienceClientOptions): Scenario[] {
  return [...platformScenarios, ...otpScenarios, ...accountsScenarios, ...experienceScenarios(experienceClient ?? MOCK_CLIENT)]
}

/** Runs the scenarios one after another (they share one backend and, on the mock, its clock). */
export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const mock = await detectMock(baseUrl, fetchFn)
  const wanted = new Set(options.surfaces ?? SURFACES)
  const code: CodeSource =
    options.code ??
    (async ({ email }) => {
      if (!mock) throw new Skipped('needs a code source (--code-totp or --code-command)')
      return mock.latestCode(email)
    })
  const startedAt = new Date().toISOString()
  const results: ScenarioResult[] = []

  for (const scenario of scenarios(options.experienceClient)) {
    if (!wanted.has(scenario.surface)) continue
    const base = { surface: scenario.surface, scenario: scenario.name }
    const skip = !mock && (scenario.needs === 'mock' ? 'needs the reference mock (its control API)' : scenario.needs === 'writes' && !options.allowWrites ? 'changes data or settings: pass --allow-writes' : null)
    if (skip) {
      results.push({ ...base, outcome: 'skipped', durationMs: 0, failures: [], reason: skip })
      continue
    }
    const findings = new Findings()
    const context: ScenarioContext = {
      baseUrl,
      fetch: fetchFn,
      findings,
      code,
      mock,
      url: (path) => baseUrl + path,
      async account(extra = {}) {
        if (mock) return mock.createUser({ ...(extra.twoFactor && { twoFactor: true }), ...(extra.totpSecret && { totpSecret: extra.totpSecret }) })
        const account = extra.twoFactor || extra.totpSecret ? options.twoFactorAccount : options.account
        if (!account) throw new Skipped(extra.twoFactor ? 'needs an account with a second factor (--2fa-email, --2fa-password)' : 'needs an account (--email, --password)')
        return account
      },
    }
    const started = Date.now()
    let reason: string | undefined
    try {
      await scenario.run(context)
    } catch (error) {
      if (error instanceof Skipped) reason = error.message
      // A step that failed has recorded why; anything else is reported by its message (AuthError messages hold no secrets).
      else if (!(error instanceof StepFailed)) findings.fail(scenario.name, '$', `stopped: ${error instanceof Error ? error.message : String(error)}`)
    }
    const durationMs = Date.now() - started
    if (reason !== undefined && !findings.failures.length) results.push({ ...base, outcome: 'skipped', durationMs, failures: [], reason })
    else results.push({ ...base, outcome: findings.failures.length ? 'failed' : 'passed', durationMs, failures: findings.failures })
  }
  return { baseUrl, mock: !!mock, startedAt, passed: results.every((r) => r.outcome !== 'failed'), results }
}
