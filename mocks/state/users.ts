import { sha256Hex } from './bytes'
import { hashPassword, PASSWORD_ITERATIONS, verifyAgainstDummy, verifyPassword } from './passwords'
import { uuid } from './random'
import { MockInputError, type Clock, type NewUser, type User, type UserStore } from './types'

/**
 * What counts as an email address in the store, and for the platform `EmailAddress` scalar. The
 * rule is Portcullis's choice (the backend publishes only the scalar's name; see its SDL description).
 */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const BASE32_PATTERN = /^[A-Z2-7]+=*$/

/** Backup codes are stored as SHA-256 hex of the trimmed, lowercased code; surfaces hash the guess the same way. */
export function hashBackupCode(code: string): Promise<string> {
  return sha256Hex(code.trim().toLowerCase())
}

/** Phones compare without spaces, dashes, dots and parentheses ("+34 600-11" = "+3460011"). */
export function normalizePhone(phone: string): string {
  return phone.replace(/[\s\-().]/g, '')
}

/** TOTP secrets are stored uppercase without spaces, as authenticator apps show them. */
export function normalizeTotpSecret(secret: string): string {
  return secret.replace(/\s+/g, '').toUpperCase()
}

const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null)

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

function invalid(message: string, field?: string): MockInputError {
  return new MockInputError('invalid_user', message, field)
}

function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null
  const trimmed = value.trim()
  if (!trimmed) throw invalid(`${field} must not be empty`, field)
  return trimmed
}

function checkEmail(email: string | null, field: string): void {
  if (email !== null && !EMAIL_PATTERN.test(email)) throw invalid(`${field} is not a valid email address`, field)
}

export interface UserStoreSnapshot {
  users: User[]
  nextPk: number
}

/**
 * The one identity store every surface shares. Records are deep-frozen: a surface that wants to
 * change a user calls `update` (which re-checks uniqueness), and a stray `user.x = y` throws
 * instead of silently bypassing the checks.
 *
 * Every lookup key has its own index (pk, email and secondary email case-insensitively, username,
 * normalized phone, social identity), so finding a user, checking uniqueness and updating are O(1) in the number
 * of users: only listing (`all`) and `restore` walk them.
 */
export class MemoryUserStore implements UserStore {
  private readonly byId = new Map<string, User>()
  private readonly byPk = new Map<number, string>()
  /** Primary and secondary emails share one namespace (each unique across both), lower-cased. */
  private readonly byEmail = new Map<string, string>()
  private readonly byUsername = new Map<string, string>()
  /** Phones as `normalizePhone` gives them. */
  private readonly byPhone = new Map<string, string>()
  /** Social / SSO identities, keyed by connector and external id. */
  private readonly byIdentity = new Map<string, string>()
  private nextPk = 1

  constructor(
    private readonly clock: Clock,
    private readonly iterations = PASSWORD_ITERATIONS,
  ) {}

  async create(input: NewUser): Promise<User> {
    const draft = this.draft(input)
    this.assertUnique(draft)
    // Hash outside the map: nothing is stored until every check and every await has passed.
    const passwordHash = typeof input.password === 'string' ? await hashPassword(input.password, this.iterations) : null
    const backupCodes = await Promise.all((input.backupCodes ?? []).map(hashBackupCode))
    // Another create may have taken the email while we were hashing.
    this.assertUnique(draft)
    const user = deepFreeze({ ...draft, pk: this.nextPk++, passwordHash, backupCodes })
    this.put(user)
    return user
  }

  get(id: string): User | undefined {
    return this.byId.get(id)
  }

  getByPk(pk: number): User | undefined {
    const id = this.byPk.get(pk)
    return id === undefined ? undefined : this.byId.get(id)
  }

  findByEmail(email: string, options: { includeSecondary?: boolean } = {}): User | undefined {
    const wanted = email.trim().toLowerCase()
    if (!wanted) return undefined
    const user = this.ownerOf(this.byEmail, wanted)
    if (!user) return undefined
    return lower(user.email) === wanted || options.includeSecondary ? user : undefined
  }

  findByUsername(username: string): User | undefined {
    return this.ownerOf(this.byUsername, username)
  }

  findByPhone(phone: string): User | undefined {
    const wanted = normalizePhone(phone)
    return wanted ? this.ownerOf(this.byPhone, wanted) : undefined
  }

  findByIdentity(connectorId: string, externalId: string): User | undefined {
    return this.ownerOf(this.byIdentity, identityKey(connectorId, externalId))
  }

  all(): User[] {
    return [...this.byId.values()].sort((a, b) => a.pk - b.pk)
  }

  update(id: string, patch: Partial<User>): User {
    const current = this.byId.get(id)
    if (!current) throw new MockInputError('user_not_found', `no user with id ${id}`)
    if (patch.id !== undefined && patch.id !== current.id) throw invalid('id cannot change', 'id')
    if (patch.pk !== undefined && patch.pk !== current.pk) throw invalid('pk cannot change', 'pk')
    // Clone so later changes to the caller's arrays/objects cannot reach the stored record.
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
    const next: User = { ...current, ...structuredClone(defined) }
    checkEmail(next.email, 'email')
    checkEmail(next.secondaryEmail, 'secondaryEmail')
    this.assertUnique(next, id)
    const frozen = deepFreeze(next)
    this.unindex(current)
    this.put(frozen)
    return frozen
  }

  delete(id: string): void {
    const user = this.byId.get(id)
    if (user) this.unindex(user)
  }

  async setPassword(id: string, password: string): Promise<User> {
    if (!this.byId.has(id)) throw new MockInputError('user_not_found', `no user with id ${id}`)
    const passwordHash = await hashPassword(password, this.iterations)
    return this.update(id, { passwordHash, passwordChangedAt: this.clock.now() })
  }

  async checkPassword(user: User | undefined, password: string): Promise<boolean> {
    if (!user) return verifyAgainstDummy(password)
    // Read the stored record: the caller's copy may predate a password change.
    const hash = this.byId.get(user.id)?.passwordHash ?? (this.byId.has(user.id) ? null : user.passwordHash)
    if (!hash) return verifyAgainstDummy(password)
    return verifyPassword(password, hash)
  }

  /** Frozen records can be shared between the snapshot and the live map. */
  snapshot(): UserStoreSnapshot {
    return { users: this.all(), nextPk: this.nextPk }
  }

  restore(snapshot: UserStoreSnapshot): void {
    for (const index of [this.byId, this.byPk, this.byEmail, this.byUsername, this.byPhone, this.byIdentity]) index.clear()
    for (const user of snapshot.users) this.put(user)
    this.nextPk = snapshot.nextPk
  }

  /** Restores a snapshot that went through a copy (the browser mock's saved state): records are frozen again. */
  load(snapshot: UserStoreSnapshot): void {
    this.restore({ users: snapshot.users.map(deepFreeze), nextPk: snapshot.nextPk })
  }

  /** Stores a record and its index entries (the caller has checked uniqueness). */
  private put(user: User): void {
    this.byId.set(user.id, user)
    this.byPk.set(user.pk, user.id)
    for (const [index, key] of this.keysOf(user)) index.set(key, user.id)
  }

  private unindex(user: User): void {
    this.byId.delete(user.id)
    this.byPk.delete(user.pk)
    for (const [index, key] of this.keysOf(user)) if (index.get(key) === user.id) index.delete(key)
  }

  private keysOf(user: Pick<User, 'email' | 'secondaryEmail' | 'username' | 'phone'> & Partial<Pick<User, 'identities'>>): Array<[Map<string, string>, string]> {
    const keys: Array<[Map<string, string>, string]> = []
    for (const email of [lower(user.email), lower(user.secondaryEmail)]) if (email) keys.push([this.byEmail, email])
    if (user.username !== null) keys.push([this.byUsername, user.username])
    const phone = user.phone ? normalizePhone(user.phone) : ''
    if (phone) keys.push([this.byPhone, phone])
    for (const [connectorId, externalId] of Object.entries(user.identities ?? {})) keys.push([this.byIdentity, identityKey(connectorId, externalId)])
    return keys
  }

  private ownerOf(index: Map<string, string>, key: string): User | undefined {
    const id = index.get(key)
    return id === undefined ? undefined : this.byId.get(id)
  }

  /** Validates and fills defaults; throws before anything is stored. */
  private draft(input: NewUser): Omit<User, 'pk' | 'passwordHash' | 'backupCodes'> {
    if (input === null || typeof input !== 'object') throw invalid('a user must be an object')
    const now = this.clock.now()
    const email = optionalText(input.email, 'email')
    const secondaryEmail = optionalText(input.secondaryEmail, 'secondaryEmail')
    const username = optionalText(input.username, 'username')
    const phone = optionalText(input.phone, 'phone')
    checkEmail(email, 'email')
    checkEmail(secondaryEmail, 'secondaryEmail')
    if (!email && !username && !phone) throw invalid('a user needs an email, a username or a phone')
    if (email && secondaryEmail && email.toLowerCase() === secondaryEmail.toLowerCase()) {
      throw invalid('secondaryEmail must differ from email', 'secondaryEmail')
    }
    if (input.password !== undefined && input.password !== null && typeof input.password !== 'string') {
      throw invalid('password must be a string', 'password')
    }
    if (input.id !== undefined && !UUID_PATTERN.test(input.id)) throw invalid('id must be a UUID', 'id')
    const totpSecret = input.totpSecret ? normalizeTotpSecret(input.totpSecret) : null
    if (totpSecret !== null && (!BASE32_PATTERN.test(totpSecret) || totpSecret.replace(/=+$/, '').length < 16)) {
      throw invalid('totpSecret must be base32 with at least 16 characters', 'totpSecret')
    }
    const verified = input.verified ?? true
    return {
      id: input.id?.toLowerCase() ?? uuid(),
      username,
      email,
      secondaryEmail,
      phone,
      phoneCountry: optionalText(input.phoneCountry, 'phoneCountry')?.toUpperCase() ?? null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      profile: structuredClone(input.profile ?? {}),
      passwordChangedAt: now,
      verified,
      emailVerifiedAt: verified && email ? now : null,
      archived: input.archived ?? false,
      isActive: input.isActive ?? true,
      isStaff: input.isStaff ?? false,
      suspended: input.suspended ?? false,
      status: 'ACTIVE',
      twoFactor: input.twoFactor ?? false,
      totpSecret,
      totpVerifiedAt: totpSecret && (input.totpVerified ?? true) ? now : null,
      phoneVerifiedAt: phone && (input.phoneVerified ?? true) ? now : null,
      webAuthn: [],
      mfaSkipped: false,
      createdAt: now,
      lastLoginAt: null,
      lastLoginDevice: null,
      identities: {},
    }
  }

  /** Email (primary and secondary, case-insensitive), username and phone are each unique. */
  private assertUnique(candidate: Pick<User, 'id' | 'email' | 'secondaryEmail' | 'username' | 'phone'>, selfId?: string): void {
    const takenBy = (index: Map<string, string>, key: string | null) => {
      const owner = key ? index.get(key) : undefined
      return owner !== undefined && owner !== selfId
    }
    if (selfId === undefined && this.byId.has(candidate.id)) {
      throw new MockInputError('id_in_use', `A user with id ${candidate.id} already exists.`, 'id')
    }
    for (const field of ['email', 'secondaryEmail'] as const) {
      if (takenBy(this.byEmail, lower(candidate[field]))) throw new MockInputError('email_in_use', 'A user with that email already exists.', field)
    }
    if (takenBy(this.byUsername, candidate.username)) {
      throw new MockInputError('username_in_use', 'A user with that username already exists.', 'username')
    }
    if (takenBy(this.byPhone, candidate.phone ? normalizePhone(candidate.phone) || null : null)) {
      throw new MockInputError('phone_in_use', 'A user with that phone already exists.', 'phone')
    }
  }
}

/** NUL cannot appear in a connector id, so the pair maps to one key. */
const identityKey = (connectorId: string, externalId: string): string => `${connectorId}\u0000${externalId}`
