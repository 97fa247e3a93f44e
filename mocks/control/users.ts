import { MockInputError, type NewUser, type User } from '../state/types'
import { error, isPlainObject, json, readJson } from './json'
import type { ControlRoute } from './types'

type FieldType = 'string' | 'nullableString' | 'boolean' | 'stringArray' | 'profile'

/** Every field `POST /__mock/users` accepts; anything else is a typo worth a 400. */
const NEW_USER_FIELDS: Record<keyof NewUser, FieldType> = {
  id: 'string',
  username: 'nullableString',
  email: 'nullableString',
  password: 'nullableString',
  verified: 'boolean',
  phone: 'nullableString',
  phoneCountry: 'nullableString',
  firstName: 'string',
  lastName: 'string',
  twoFactor: 'boolean',
  totpSecret: 'nullableString',
  totpVerified: 'boolean',
  phoneVerified: 'boolean',
  secondaryEmail: 'nullableString',
  archived: 'boolean',
  isActive: 'boolean',
  isStaff: 'boolean',
  suspended: 'boolean',
  backupCodes: 'stringArray',
  profile: 'profile',
}

function fits(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'nullableString':
      return value === null || typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'stringArray':
      return Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '')
    case 'profile':
      return isPlainObject(value) && Object.values(value).every((v) => v === null || typeof v === 'string' || typeof v === 'boolean')
  }
}

const TYPE_NAMES: Record<FieldType, string> = {
  string: 'a string',
  nullableString: 'a string or null',
  boolean: 'a boolean',
  stringArray: 'an array of non-empty strings',
  profile: 'an object of string, boolean or null values',
}

/** Checks the JSON shape of a new user (the store then checks meaning: email format, uniqueness). */
export function parseNewUser(value: unknown): { ok: true; user: NewUser } | { ok: false; message: string; field?: string } {
  if (!isPlainObject(value)) return { ok: false, message: 'Send a JSON object describing the user.' }
  for (const [key, item] of Object.entries(value)) {
    const type = Object.hasOwn(NEW_USER_FIELDS, key) ? NEW_USER_FIELDS[key as keyof NewUser] : undefined
    if (!type) return { ok: false, message: `unknown field ${key}`, field: key }
    if (!fits(item, type)) return { ok: false, message: `${key} must be ${TYPE_NAMES[type]}`, field: key }
  }
  // The table makes `password` required; `null` creates a user without a usable password on purpose.
  if (!('password' in value)) return { ok: false, message: 'password is required (null for a user without one)', field: 'password' }
  if (typeof value['password'] === 'string' && value['password'] === '') return { ok: false, message: 'password must not be empty', field: 'password' }
  return { ok: true, user: value as NewUser }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** A user as the control API shows it: never the password hash or backup-code hashes. */
export function publicUser(user: User) {
  return {
    id: user.id,
    pk: user.pk,
    username: user.username,
    email: user.email,
    secondaryEmail: user.secondaryEmail,
    phone: user.phone,
    phoneCountry: user.phoneCountry,
    firstName: user.firstName,
    lastName: user.lastName,
    profile: user.profile,
    hasPassword: user.passwordHash !== null,
    verified: user.verified,
    archived: user.archived,
    isActive: user.isActive,
    isStaff: user.isStaff,
    suspended: user.suspended,
    status: user.status,
    twoFactor: user.twoFactor,
    // A test backdoor: the caller may need the secret to compute TOTP codes.
    totpSecret: user.totpSecret,
    totpVerified: user.totpVerifiedAt !== null,
    phoneVerified: user.phoneVerifiedAt !== null,
    backupCodesLeft: user.backupCodes.length,
    webAuthnCredentials: user.webAuthn.length,
    mfaSkipped: user.mfaSkipped,
    identities: user.identities,
    createdAt: iso(user.createdAt),
    lastLoginAt: iso(user.lastLoginAt),
  }
}

/** `POST /__mock/users` creates a user (201, 400 bad input, 409 taken); `GET` lists them. */
export const usersRoute: ControlRoute = {
  path: '/__mock/users',
  methods: {
    GET: ({ state }) => json({ users: state.users.all().map(publicUser) }),
    POST: async ({ request, state }) => {
      const body = await readJson(request)
      if (!body.ok) return body.response
      const parsed = parseNewUser(body.value)
      if (!parsed.ok) return error(400, 'invalid_user', parsed.message, parsed.field)
      try {
        return json(publicUser(await state.users.create(parsed.user)), 201)
      } catch (caught) {
        if (caught instanceof MockInputError) {
          return error(caught.code.endsWith('_in_use') ? 409 : 400, caught.code, caught.message, caught.field)
        }
        throw caught
      }
    },
  },
}
