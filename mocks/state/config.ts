import { MockInputError, type BackendConfig, type DeepPartial } from './types'
import { isPlainObject } from './plain-object'

/**
 * Defaults. Values the reference publishes are cited; the rest are chosen for the mock:
 * - platform: access 60 min and refresh 24 h (published). 2FA code (chosen): 6 digits, 10 min,
 *   5 attempts; password-reset code (chosen): 1 h, matching the accounts reset link.
 * - otp: code 6 digits / 5 min (the facts say "about 5 minutes"); 5 attempts and 5 code requests
 *   per 15-minute window, then 429 (chosen); access 15 min, refresh 7 days (chosen).
 * - accounts: settings defaults as published (login when not verified, secondary email login,
 *   no hard delete, activation mail on); JWT 5 min, refresh 7 days, activation link 7 days, reset /
 *   secondary-email / password-set links 1 h, link paths `activate` / `password-reset` /
 *   `password-set` (published).
 * - experience: MFA `UserControlled` with TOTP and WebAuthn enabled (chosen so the TOTP demo user
 *   gets a second-factor challenge while nobody is forced to bind one); sign-in and registration
 *   both allowed; email and SMS connectors on, social connectors `google` and `github` (mock);
 *   access token 1 h (chosen, the usual OIDC default), refresh token 14 days (Logto's default);
 *   sign-up by email with a password, verified by code (chosen; Logto's console default is username);
 *   no connector identities configured (each mock connector then returns `<connectorId>-user`).
 * - password: minimum length 8 (the accounts and experience validators both use 8).
 */
export function defaultConfig(): BackendConfig {
  return {
    issuer: 'https://portcullis.mock',
    platform: {
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 86_400,
      twoFactorCodeTtlSeconds: 600,
      twoFactorMaxAttempts: 5,
      resetCodeTtlSeconds: 3600,
    },
    otp: {
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 604_800,
      codeTtlSeconds: 300,
      codeMaxAttempts: 5,
      codeRequestsPerWindow: 5,
      codeRequestWindowSeconds: 900,
    },
    accounts: {
      allowLoginNotVerified: true,
      allowLoginWithSecondaryEmail: true,
      allowDeleteAccount: false,
      jwtTtlSeconds: 300,
      refreshTokenTtlSeconds: 604_800,
      activationTokenTtlSeconds: 604_800,
      passwordResetTokenTtlSeconds: 3600,
      secondaryEmailTokenTtlSeconds: 3600,
      passwordSetTokenTtlSeconds: 3600,
      sendActivationEmail: true,
      activationPath: 'activate',
      secondaryEmailPath: 'activate',
      passwordResetPath: 'password-reset',
      passwordSetPath: 'password-set',
    },
    experience: {
      mfa: { policy: 'UserControlled', factors: ['Totp', 'WebAuthn'] },
      signInMode: 'SignInAndRegister',
      signIn: {
        methods: [
          { identifier: 'username', password: true, verificationCode: false },
          { identifier: 'email', password: true, verificationCode: true },
          { identifier: 'phone', password: true, verificationCode: true },
        ],
      },
      ssoDomains: {},
      connectors: { social: ['google', 'github'], sso: [], email: true, sms: true },
      accessTokenTtlSeconds: 3600,
      signUp: { identifiers: ['email'], password: true, verify: true },
      connectorIdentities: {},
      refreshTokenTtlSeconds: 1_209_600,
    },
    password: { minLength: 8 },
    mailEnabled: true,
    limits: defaultLimits(),
  }
}

/**
 * Throttle defaults (Portcullis's choice; ASVS v4 §2.2.1 asks for at most 100 failures per hour
 * per account): 10 wrong passwords per account per 15 min and 100 per client; 10 codes sent per
 * account per hour, 50 per client, 5 to one address or number; 20 wrong codes per account per
 * hour (a flow also allows only its own 5), 100 per client; 5 wrong TOTP codes in 15 min lock
 * the authenticator for 15 min; 20 registrations per client per hour; 5 sensitive root fields per
 * GraphQL request. State caps: 100 sessions per user, 1000 outbox messages, 1000 request-log
 * entries, 100 fault rules.
 */
export function defaultLimits(): BackendConfig['limits'] {
  const per = (max: number, windowSeconds: number) => ({ max, windowSeconds })
  return {
    passwordFailures: { perAccount: per(10, 900), perClient: per(100, 900) },
    codeSends: { perAccount: per(10, 3600), perClient: per(50, 3600), perDestination: per(5, 3600) },
    codeFailures: { perAccount: per(20, 3600), perClient: per(100, 3600) },
    totpFailures: { max: 5, windowSeconds: 900, lockSeconds: 900 },
    registrations: { perClient: per(20, 3600) },
    sensitiveFieldsPerRequest: 5,
    sessionsPerUser: 100,
    outboxMessages: 1000,
    requestLogEntries: 1000,
    faultRules: 100,
  }
}

/** What a config value may be; the spec mirrors `BackendConfig` so patches are checked key by key. */
type Spec =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; of: Spec }
  | { kind: 'record'; of: Spec }
  | { kind: 'object'; fields: Record<string, Spec> }

const str: Spec = { kind: 'string' }
const bool: Spec = { kind: 'boolean' }
/** Ten years: every lifetime and window fits, and `now + lifetime` stays a valid date. */
export const MAX_CONFIG_SECONDS = 315_360_000
export const MAX_CONFIG_COUNT = 1_000_000
const seconds: Spec = { kind: 'integer', min: 1, max: MAX_CONFIG_SECONDS }
const count: Spec = { kind: 'integer', min: 1, max: MAX_CONFIG_COUNT }
const obj = (fields: Record<string, Spec>): Spec => ({ kind: 'object', fields })
const throttle = obj({ max: count, windowSeconds: seconds })

const CONFIG_SPEC = obj({
  issuer: str,
  platform: obj({ accessTokenTtlSeconds: seconds, refreshTokenTtlSeconds: seconds, twoFactorCodeTtlSeconds: seconds, twoFactorMaxAttempts: count, resetCodeTtlSeconds: seconds }),
  otp: obj({ accessTokenTtlSeconds: seconds, refreshTokenTtlSeconds: seconds, codeTtlSeconds: seconds, codeMaxAttempts: count, codeRequestsPerWindow: count, codeRequestWindowSeconds: seconds }),
  accounts: obj({
    allowLoginNotVerified: bool,
    allowLoginWithSecondaryEmail: bool,
    allowDeleteAccount: bool,
    jwtTtlSeconds: seconds,
    refreshTokenTtlSeconds: seconds,
    activationTokenTtlSeconds: seconds,
    passwordResetTokenTtlSeconds: seconds,
    secondaryEmailTokenTtlSeconds: seconds,
    passwordSetTokenTtlSeconds: seconds,
    sendActivationEmail: bool,
    activationPath: str,
    secondaryEmailPath: str,
    passwordResetPath: str,
    passwordSetPath: str,
  }),
  experience: obj({
    mfa: obj({ policy: { kind: 'enum', values: ['UserControlled', 'Mandatory'] }, factors: { kind: 'array', of: { kind: 'enum', values: ['Totp', 'WebAuthn', 'BackupCode'] } } }),
    signInMode: { kind: 'enum', values: ['SignIn', 'Register', 'SignInAndRegister'] },
    signIn: obj({ methods: { kind: 'array', of: obj({ identifier: { kind: 'enum', values: ['username', 'email', 'phone'] }, password: bool, verificationCode: bool }) } }),
    ssoDomains: { kind: 'record', of: { kind: 'array', of: str } },
    connectors: obj({ social: { kind: 'array', of: str }, sso: { kind: 'array', of: str }, email: bool, sms: bool }),
    accessTokenTtlSeconds: seconds,
    signUp: obj({ identifiers: { kind: 'array', of: { kind: 'enum', values: ['username', 'email', 'phone'] } }, password: bool, verify: bool }),
    connectorIdentities: { kind: 'record', of: obj({ id: str, email: str, phone: str, name: str, error: str }) },
    refreshTokenTtlSeconds: seconds,
  }),
  password: obj({ minLength: { kind: 'integer', min: 0, max: 1024 } }),
  mailEnabled: bool,
  limits: obj({
    passwordFailures: obj({ perAccount: throttle, perClient: throttle }),
    codeSends: obj({ perAccount: throttle, perClient: throttle, perDestination: throttle }),
    codeFailures: obj({ perAccount: throttle, perClient: throttle }),
    totpFailures: obj({ max: count, windowSeconds: seconds, lockSeconds: seconds }),
    registrations: obj({ perClient: throttle }),
    sensitiveFieldsPerRequest: { kind: 'integer', min: 1, max: 1000 },
    sessionsPerUser: count,
    outboxMessages: count,
    requestLogEntries: count,
    faultRules: { kind: 'integer', min: 1, max: 10_000 },
  }),
})

function fail(path: string, message: string): never {
  throw new MockInputError('invalid_config', `${path || 'config'}: ${message}`, path || undefined)
}

/** Checks a partial value against the spec; `partial` only for objects (records and arrays are whole values). */
function check(value: unknown, spec: Spec, path: string): void {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string' || !value) fail(path, 'must be a non-empty string')
      return
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, 'must be a boolean')
      return
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        fail(path, `must be an integer from ${spec.min} to ${spec.max}`)
      }
      return
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) fail(path, `must be one of ${spec.values.join(', ')}`)
      return
    case 'array':
      if (!Array.isArray(value)) fail(path, 'must be an array')
      value.forEach((item, i) => check(item, spec.of, `${path}[${i}]`))
      return
    case 'record':
      if (!isPlainObject(value)) fail(path, 'must be an object')
      for (const [key, item] of Object.entries(value)) check(item, spec.of, `${path}.${key}`)
      return
    case 'object':
      if (!isPlainObject(value)) fail(path, 'must be an object')
      for (const [key, item] of Object.entries(value)) {
        const field = fieldOf(spec, key)
        const at = path ? `${path}.${key}` : key
        if (!field) fail(at, 'unknown setting')
        check(item, field, at)
      }
  }
}

/**
 * The spec of one setting. Own keys only: `__proto__`, `constructor` or `toString` would otherwise
 * find Object.prototype's members, pass as settings of no kind, and be merged into the config.
 */
function fieldOf(spec: Extract<Spec, { kind: 'object' }>, key: string): Spec | undefined {
  return Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined
}

function merge(target: Record<string, unknown>, patch: Record<string, unknown>, spec: Spec): void {
  if (spec.kind !== 'object') return
  for (const [key, value] of Object.entries(patch)) {
    const field = fieldOf(spec, key)
    const current = target[key]
    if (field?.kind === 'object' && isPlainObject(current) && isPlainObject(value)) merge(current, value, field)
    else target[key] = structuredClone(value)
  }
}

/**
 * Deep-merges a validated patch into `config` in place, so surfaces holding `state.config` see
 * the change. Arrays and `experience.ssoDomains` are replaced, not merged (so entries can be
 * removed). The whole patch is checked before anything changes: a bad patch changes nothing.
 */
export function updateConfig(config: BackendConfig, patch: unknown): BackendConfig {
  check(patch, CONFIG_SPEC, '')
  merge(config as unknown as Record<string, unknown>, patch as Record<string, unknown>, CONFIG_SPEC)
  return config
}

/** Restores `config` in place to `source` (used by reset). */
export function replaceConfig(config: BackendConfig, source: BackendConfig): void {
  // Merging a full config keeps nested objects' identity, unlike Object.assign.
  merge(config as unknown as Record<string, unknown>, structuredClone(source) as unknown as Record<string, unknown>, CONFIG_SPEC)
}

export type { DeepPartial }
