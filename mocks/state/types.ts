/**
 * The contracts between the mock backend's state (one identity store for all four surfaces) and
 * the surfaces that serve it. Surfaces hold no state of their own beyond what is declared here.
 */
import type { BodyRead } from '../validation/types'

/** Milliseconds since the epoch, read from the mock clock (never `Date.now()` directly). */
export type Millis = number

/** The clock every expiry in the mock reads (milliseconds since the epoch). */
export interface Clock {
  /** The current mock time. */
  now(): Millis
  /** Moves the clock forward by `ms`; returns the new time. */
  advance(ms: number): Millis
  /** Sets the clock to `now`; returns it. */
  set(now: Millis): Millis
}

/** How a message was "sent": by email or by SMS. */
export type Channel = 'email' | 'sms'

/** A WebAuthn credential bound to a user (experience surface). */
export interface WebAuthnCredential {
  id: string
  publicKey: string
  counter: number
  transports: string[]
  createdAt: Millis
}

/** A user of the identity store every surface shares. */
export interface User {
  /** UUID; the platform `rID` and the `sub` of every token. */
  id: string
  /** Numeric primary key (accounts `pk`, relay id = base64("UserNode:" + pk)). */
  pk: number
  username: string | null
  email: string | null
  secondaryEmail: string | null
  phone: string | null
  /** ISO 3166 region of `phone` (otp `country`). */
  phoneCountry: string | null
  firstName: string
  lastName: string
  /** Free-form profile fields (platform UserProfile: address1, city, dateOfBirth ...). */
  profile: Record<string, string | boolean | null>
  /** PBKDF2 hash, `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`; null = no usable password. */
  passwordHash: string | null
  passwordChangedAt: Millis
  verified: boolean
  emailVerifiedAt: Millis | null
  archived: boolean
  isActive: boolean
  isStaff: boolean
  suspended: boolean
  /** otp `UserSecurity.status`. */
  status: 'ACTIVE' | 'BLOCKED' | 'DISABLED'
  /** Platform emailed 2FA on login. */
  twoFactor: boolean
  /** Base32 TOTP secret (otp and experience), and whether the user confirmed it with a code. */
  totpSecret: string | null
  totpVerifiedAt: Millis | null
  phoneVerifiedAt: Millis | null
  /** SHA-256 hex of each unused backup code. */
  backupCodes: string[]
  webAuthn: WebAuthnCredential[]
  mfaSkipped: boolean
  createdAt: Millis
  lastLoginAt: Millis | null
  lastLoginDevice: string | null
  /** Social / SSO identities: connectorId → external user id. */
  identities: Record<string, string>
}

/**
 * What `POST /__mock/users` and `--seed` accept. Defaults favour a ready-to-use account: what is
 * given counts as verified (`verified`, `totpVerified`, `phoneVerified` default true); surfaces that
 * create users (registration) pass `verified: false` explicitly. `password: null` or absent = no
 * usable password; `backupCodes` are the clear codes (stored hashed).
 */
export interface NewUser {
  username?: string | null
  email?: string | null
  password?: string | null
  verified?: boolean
  phone?: string | null
  phoneCountry?: string | null
  firstName?: string
  lastName?: string
  twoFactor?: boolean
  totpSecret?: string | null
  /** Marks the TOTP secret as already confirmed (default true when a secret is given). */
  totpVerified?: boolean
  phoneVerified?: boolean
  secondaryEmail?: string | null
  archived?: boolean
  isActive?: boolean
  isStaff?: boolean
  suspended?: boolean
  backupCodes?: string[]
  profile?: Record<string, string | boolean | null>
  id?: string
}

/** The identity store: one user record per person, looked up by id, pk, email, username, phone or identity. */
export interface UserStore {
  /** Throws `MockInputError` (code `invalid_user`, or `id_in_use` / `email_in_use` / `username_in_use` / `phone_in_use`) and adds nothing on failure. */
  create(input: NewUser): Promise<User>
  /** The user with this id, if any. */
  get(id: string): User | undefined
  /** The user with this numeric primary key (the accounts surface's `pk`), if any. */
  getByPk(pk: number): User | undefined
  /** Case-insensitive; primary email only unless `includeSecondary`. */
  findByEmail(email: string, options?: { includeSecondary?: boolean }): User | undefined
  /** The user with this username, if any. */
  findByUsername(username: string): User | undefined
  /** The user with this phone number (as written), if any. */
  findByPhone(phone: string): User | undefined
  /** The user linked to this social / SSO identity. */
  findByIdentity(connectorId: string, externalId: string): User | undefined
  /** Every user, in creation order. */
  all(): User[]
  /** Applies a patch atomically; returns the updated user. */
  update(id: string, patch: Partial<User>): User
  /** Removes the user and its lookup keys. */
  delete(id: string): void
  /** Hashes and stores a new password; returns the updated user. */
  setPassword(id: string, password: string): Promise<User>
  /**
   * Constant-time check; false for a user without a usable password and for `undefined` (an
   * unknown user), after the same PBKDF2 work, so timing does not reveal which accounts exist.
   */
  checkPassword(user: User | undefined, password: string): Promise<boolean>
}

/** An email or SMS the backend "sent", with the code or link token it carries. */
export interface OutboxMessage {
  id: string
  channel: Channel
  to: string
  /** e.g. `platform.login_2fa`, `otp.sms_verification`, `accounts.activation`. */
  purpose: string
  subject: string
  body: string
  code: string | null
  token: string | null
  createdAt: string
}

/** Everything the backend "sent", so tests can read codes and link tokens back. */
export interface Outbox {
  /** Stores a message (stamped with an id and the mock time) and returns it. */
  send(message: Omit<OutboxMessage, 'id' | 'createdAt'>): OutboxMessage
  /** Messages matching the filter, oldest first. */
  list(filter?: { to?: string; channel?: Channel; purpose?: string }): OutboxMessage[]
  /** Empties the outbox. */
  clear(): void
}

/** What checking a one-time code found. */
export type CodeCheck = 'ok' | 'mismatch' | 'expired' | 'exhausted' | 'not_found'

/** A one-time code as issued: its key, value and limits. */
export interface IssuedCode {
  /** Opaque handle (e.g. a platform `sessionId`). */
  key: string
  code: string
  expiresAt: Millis
  attemptsLeft: number
  /** Until when issuing again for the key continues this flow (keeping `attemptsLeft`). */
  flowExpiresAt?: Millis
}

/**
 * One-time codes. One live code per key: issuing again for a key replaces (invalidates) the old
 * code. Compared in constant time; a correct guess spends the code, every wrong guess costs an
 * attempt; `exhausted` once none is left.
 */
export interface CodeStore {
  /**
   * Issues a code for `key`. Within the key's flow (`flowTtlMs`, default 1 h, at least `ttlMs`) a
   * re-issue keeps the attempts left: a resend never buys more guesses.
   */
  issue(input: { key: string; userId: string; purpose: string; ttlMs: number; maxAttempts: number; digits?: number; data?: Record<string, unknown>; flowTtlMs?: number }): IssuedCode
  /** Checks a guess: a right one spends the code, a wrong one costs an attempt. */
  check(key: string, code: string): { result: CodeCheck; attemptsLeft: number; userId?: string; data?: Record<string, unknown> }
  /** Remove without checking (e.g. when the flow ends). */
  revoke(key: string): void
  /** The live code for `key` without spending an attempt (tests and the outbox use it). */
  peek(key: string): (IssuedCode & { userId: string; purpose: string; data?: Record<string, unknown> }) | undefined
}

/** Why an access token was refused. */
export type TokenFailure = 'invalid' | 'expired' | 'revoked'

/** The claims every access token carries; surfaces may add their own. */
export interface AccessClaims {
  sub: string
  sid: string
  iat: number
  exp: number
  iss: string
  aud: string
  amr: string[]
  jti: string
  [claim: string]: unknown
}

/** The four surfaces; each has its own token audience (`portcullis:<surface>`). */
export type SurfaceName = 'platform' | 'accounts' | 'experience' | 'otp'

/** A sign-in session: the refresh family and access tokens of one sign-in on one surface. */
export interface SessionRecord {
  id: string
  userId: string
  surface: SurfaceName
  /** RFC 8176 methods used to sign in (`pwd`, `otp`, `mfa` …); copied into every access token as `amr`. */
  amr: readonly string[]
  deviceId: string | null
  createdAt: Millis
  revokedAt: Millis | null
}

/** `base64url`: 32 random bytes (default); `hex40`: 20 random bytes as lowercase hex (graphql-jwt's format). */
export type RefreshTokenFormat = 'base64url' | 'hex40'

/** Result of presenting a refresh token. `reused` means it had already been rotated: its family is revoked. */
export type RefreshOutcome =
  | { ok: true; session: SessionRecord; userId: string; refreshToken: string; refreshExpiresAt: Millis }
  | { ok: false; reason: 'invalid' | 'expired' | 'reused' | 'revoked' }

/** `spent` = already rotated (presenting it to `rotateRefreshToken` would revoke its family). */
export type RefreshInspection =
  | { ok: true; session: SessionRecord; userId: string; expiresAt: Millis }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'spent' }

/** Signs and checks every token of every surface, and keeps the sessions they belong to. */
export interface TokenService {
  /** ES256 public keys, as served at `/.well-known/jwks.json`. */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>
  /** The same, as the JSON text the JWKS route sends. */
  jwksJson(): Promise<string>
  /**
   * Opens a session of `surface` (its tokens carry that surface's audience) with the sign-in
   * methods used (`amr`). Over `limits.sessionsPerUser` the user's oldest session is dropped.
   */
  startSession(input: { userId: string; surface: SurfaceName; amr: readonly string[]; deviceId?: string | null }): SessionRecord
  /** The session with this id (revoked ones included), if any. */
  getSession(id: string): SessionRecord | undefined
  /** The user's sessions, oldest first (live and revoked), from the per-user index. */
  userSessions(userId: string): SessionRecord[]
  /** Revokes the session, its access tokens (checked on verify) and its refresh family (one family per session). */
  revokeSession(id: string): void
  /** Revokes the user's live sessions (of one surface, or all); visits only that user's sessions. */
  revokeUserSessions(userId: string, surface?: SurfaceName): RevokedSessions
  /** Signs an access token for the session: `aud` is the session's surface, `amr` its methods; lifetime in seconds on the mock clock. */
  signAccessToken(session: SessionRecord, ttlSeconds: number, extraClaims?: Record<string, unknown>): Promise<string>
  /** Signs an arbitrary claim set with the same key (the experience surface's OIDC id tokens). */
  signJwt(claims: Record<string, unknown>, type?: string): Promise<string>
  /** Verifies signature, expiry (mock clock), the audience of `surface` and that the session is live and of that surface. */
  verifyAccessToken(token: string, surface: SurfaceName): Promise<{ ok: true; claims: AccessClaims; session: SessionRecord } | { ok: false; reason: TokenFailure }>
  /** A new opaque refresh token for the session (first of a new family, or the next in one). */
  issueRefreshToken(session: SessionRecord, ttlSeconds: number, format?: RefreshTokenFormat): { token: string; expiresAt: Millis }
  /** Rotates: the presented token is spent; presenting a spent one revokes the whole family. Another surface's token is `invalid` and left untouched. */
  rotateRefreshToken(token: string, surface: SurfaceName, ttlSeconds: number): RefreshOutcome
  /** Revokes just this token (accounts `revokeToken`); `ok: false` when unknown, another surface's or already revoked. */
  revokeRefreshToken(token: string, surface: SurfaceName): { ok: true; revokedAt: Millis } | { ok: false }
  /** Looks a token up without spending it (accounts `refreshToken` keeps the old token usable); another surface's is `invalid`. */
  inspectRefreshToken(token: string, surface: SurfaceName): RefreshInspection
}

/** What `revokeUserSessions` did: the sessions it revoked and how many index entries it visited. */
export interface RevokedSessions {
  revoked: string[]
  visited: number
}

/** One request the backend received, as `GET /__mock/requests` lists it. */
export interface RequestLogEntry {
  method: string
  path: string
  operationName: string | null
  status: number
  at: string
}

/** A fault to inject: which requests it matches and how they fail (`POST /__mock/faults`). */
export interface FaultRule {
  /** Matches when the request path equals it, or starts with it when it ends with `*`. */
  path: string
  method?: string
  /** GraphQL operation name to match, for faults on one mutation. */
  operationName?: string
  status?: number
  body?: unknown
  delayMs?: number
  networkError?: boolean
  /** How many matching requests fail; default 1. */
  times?: number
}

/** Every backend setting (`PUT /__mock/config` deep-merges into it): lifetimes, policies, factors, limits. */
export interface BackendConfig {
  /** Issuer stamped into tokens (the audience is per surface: `portcullis:<surface>`). */
  issuer: string
  platform: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number; twoFactorCodeTtlSeconds: number; twoFactorMaxAttempts: number; resetCodeTtlSeconds: number }
  otp: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number; codeTtlSeconds: number; codeMaxAttempts: number; codeRequestsPerWindow: number; codeRequestWindowSeconds: number }
  accounts: {
    allowLoginNotVerified: boolean
    allowLoginWithSecondaryEmail: boolean
    allowDeleteAccount: boolean
    jwtTtlSeconds: number
    refreshTokenTtlSeconds: number
    /** Lifetimes of the mailed action tokens (django-graphql-auth EXPIRATION_*_TOKEN). */
    activationTokenTtlSeconds: number
    passwordResetTokenTtlSeconds: number
    secondaryEmailTokenTtlSeconds: number
    passwordSetTokenTtlSeconds: number
    /** SEND_ACTIVATION_EMAIL: register mails the activation link. */
    sendActivationEmail: boolean
    /** *_PATH_ON_EMAIL: the path before the token in each mailed link (`<origin>/<path>/<token>`). */
    activationPath: string
    secondaryEmailPath: string
    passwordResetPath: string
    passwordSetPath: string
  }
  experience: {
    mfa: { policy: 'UserControlled' | 'Mandatory'; factors: Array<'Totp' | 'WebAuthn' | 'BackupCode'> }
    signInMode: 'SignIn' | 'Register' | 'SignInAndRegister'
    /** Logto's sign-in methods: which identifier may sign in with a password and which with a one-time code. */
    signIn: { methods: Array<{ identifier: 'username' | 'email' | 'phone'; password: boolean; verificationCode: boolean }> }
    ssoDomains: Record<string, string[]>
    connectors: { social: string[]; sso: string[]; email: boolean; sms: boolean }
    accessTokenTtlSeconds: number
    /** Logto's sign-up settings: what a new (or signing-in) account must have; decides `user.missing_profile`. */
    signUp: { identifiers: Array<'username' | 'email' | 'phone'>; password: boolean; verify: boolean }
    /** The identity each mock social / SSO connector returns: connectorId → external account (`error`: the provider fails with it). */
    connectorIdentities: Record<string, { id?: string; email?: string; phone?: string; name?: string; error?: string }>
    /** Refresh tokens of the OIDC finish (`offline_access`). */
    refreshTokenTtlSeconds: number
  }
  password: { minLength: number }
  /** When false, outgoing mail fails (accounts EMAIL_FAIL, etc.). */
  mailEnabled: boolean
  /** Brute-force throttles and state caps (see `mocks/state/limits.ts` and the README). */
  limits: LimitsConfig
}

/** At most `max` events per sliding `windowSeconds` (mock clock). */
export interface Throttle {
  max: number
  windowSeconds: number
}

/** Throttles and caps on state: how often passwords, codes and sends may be tried, and how much is kept. */
export interface LimitsConfig {
  /** Wrong passwords (login, password confirmations) per account identifier and per client. */
  passwordFailures: { perAccount: Throttle; perClient: Throttle }
  /** Codes sent (reset, 2FA, SMS …) per account, per client and per destination address/number. */
  codeSends: { perAccount: Throttle; perClient: Throttle; perDestination: Throttle }
  /** Wrong one-time codes per account and per client, across all flows (a flow also has its own attempts). */
  codeFailures: { perAccount: Throttle; perClient: Throttle }
  /** Wrong authenticator (TOTP) codes: `max` in the window locks the factor for `lockSeconds`. */
  totpFailures: Throttle & { lockSeconds: number }
  /** Accounts created per client (registration also answers whether an email is taken). */
  registrations: { perClient: Throttle }
  /** Root fields that check a password or code, send a code or create an account, per GraphQL request. */
  sensitiveFieldsPerRequest: number
  /** Sessions kept per user; beyond it the oldest is dropped. */
  sessionsPerUser: number
  /** Messages kept in the outbox, request-log entries, queued fault rules (oldest dropped; faults refused). */
  outboxMessages: number
  requestLogEntries: number
  faultRules: number
}

/** Everything a surface may read or change. */
export interface BackendState {
  clock: Clock
  config: BackendConfig
  users: UserStore
  codes: CodeStore
  outbox: Outbox
  tokens: TokenService
  /** Brute-force throttles (`mocks/state/limits.ts`), limits from `config.limits`. */
  limits: import('./limits').Limits
  /** Counters for rate limits: key → timestamps (ms) of recent hits inside the window. */
  rateLimit(key: string, limit: number, windowMs: number): { allowed: boolean; retryAfterMs: number }
  /** Surface-private maps (pending 2FA logins, interactions ...), cleared on reset. */
  scratch<T>(name: string, create: () => T): T
}

/** Per-request information a surface fills in for the request log. */
export interface RequestContext {
  /**
   * The WHATWG request, built on first read by the standalone server: surfaces on hot paths read
   * `method`, `headers` and `readText` instead, which never build one.
   */
  request: Request
  /** Upper-case. */
  method: string
  headers: Headers
  /** The body as UTF-8 text under `limit` bytes (default 1 MiB), read once. */
  readText(limit?: number): Promise<BodyRead>
  url: URL
  state: BackendState
  /** Set by GraphQL surfaces so `/__mock/requests` shows which operation ran. */
  operationName: string | null
  /**
   * Reports an unexpected exception a surface caught and answered itself (as a 500 or a masked
   * GraphQL error) to the backend's `onError`, which prints it redacted unless silenced.
   */
  reportError?: (error: unknown) => void
}

/** A surface answers the requests whose path it owns. */
export interface Surface {
  name: string
  /** Whether this surface answers the URL's path. */
  owns(url: URL): boolean
  /** Answers a request this surface owns. */
  handle(context: RequestContext): Promise<Response>
}

/** Thrown by state code for input a caller must fix; surfaces map it to their error format. */
export class MockInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'MockInputError'
  }
}

/* ---- Extensions used by the backend, the control API and the public mock entry. ---- */

/** Every property optional, recursively; arrays are replaced whole, never merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T

/** What `/__mock/requests` lists (every request but `/__mock/*` itself). */
export interface RequestLog {
  /** Appends an entry, stamped with the mock time unless given (formatted only when listed). */
  record(entry: Omit<RequestLogEntry, 'at'> & { at?: string }): void
  /** `path` matches like a fault rule's: exact, or a prefix when it ends with `*`. */
  list(filter?: { path?: string; method?: string }): RequestLogEntry[]
  /** Empties the log. */
  clear(): void
}

/** A fault rule with the number of matching requests it will still fail. */
export interface ActiveFault extends FaultRule {
  id: string
  remaining: number
}

/** The queued fault rules, matched in order against incoming requests. */
export interface FaultStore {
  /** Queues a rule; returns it with its id and remaining uses. */
  add(rule: FaultRule): ActiveFault
  /** Finds the first rule matching the request and counts one use of it (removed when used up). */
  take(request: { method: string; path: string; operationName: string | null }): ActiveFault | undefined
  /** Whether any rule needs the GraphQL operation name (so the backend only parses bodies then). */
  needsOperationName(): boolean
  /** The queued rules, in matching order. */
  list(): ActiveFault[]
  /** Drops every rule. */
  clear(): void
}

/** The state plus what the backend and the control API need beyond the surfaces' contract. */
export interface MockBackendState extends BackendState {
  requests: RequestLog
  faults: FaultStore
  /** Validated deep merge into `config` (arrays and `experience.ssoDomains` are replaced); throws `MockInputError`. */
  updateConfig(patch: DeepPartial<BackendConfig>): BackendConfig
  /** Resolves once the seed users exist; every entry point awaits it. Rejects when the seed is invalid. */
  ready(): Promise<void>
  /** Seeded users back (same ids), codes/outbox/sessions/scratch/log/faults/rate limits cleared, config and clock restored; keys kept. */
  reset(): Promise<void>
}
