/**
 * Django's form checks as django-graphql-auth runs them: required fields, the email and username
 * validators, max lengths, and the four password validators (similarity, minimum length, common,
 * numeric), in that order. Each check returns the `errors` object of a failed form, or null.
 */
import type { BackendState, User } from '../../state/types'
import { EMAIL_PATTERN } from '../../state/users'
import { FORM_MESSAGES } from './messages'
import type { ErrorEntry, ErrorsObject } from './messages'
import { COMMON_PASSWORDS } from './common-passwords'

const USERNAME_PATTERN = /^[\w.@+-]+$/u
const USERNAME_MAX = 150
const EMAIL_MAX = 254
/** Django < 3.1's first_name limit, which the reference renders ("at most 30 characters"). */
export const NAME_MAX = 30
const MAX_SIMILARITY = 0.7

const one = (message: string, code: string): ErrorEntry[] => [{ message, code }]

/** Collects per-field errors; `result()` is null when nothing was added. */
export class FormErrors {
  private readonly errors: ErrorsObject = {}

  add(field: string, entries: ErrorEntry[]): void {
    if (entries.length) (this.errors[field] ??= []).push(...entries)
  }

  has(field: string): boolean {
    return field in this.errors
  }

  result(): ErrorsObject | null {
    return Object.keys(this.errors).length ? this.errors : null
  }
}

export const isBlank = (value: string | null | undefined): boolean => value == null || value.trim() === ''

export function requiredErrors(value: string | null | undefined): ErrorEntry[] {
  return isBlank(value) ? one(FORM_MESSAGES.required, 'required') : []
}

export function emailErrors(value: string | null | undefined): ErrorEntry[] {
  if (isBlank(value)) return requiredErrors(value)
  const email = value!.trim()
  if (email.length > EMAIL_MAX) return one(FORM_MESSAGES.maxLength(EMAIL_MAX, email.length), 'max_length')
  return EMAIL_PATTERN.test(email) ? [] : one(FORM_MESSAGES.invalidEmail, 'invalid')
}

export function usernameErrors(state: BackendState, value: string | null | undefined): ErrorEntry[] {
  if (isBlank(value)) return requiredErrors(value)
  const username = value!
  if (username.length > USERNAME_MAX) return one(FORM_MESSAGES.maxLength(USERNAME_MAX, username.length), 'max_length')
  if (!USERNAME_PATTERN.test(username)) return one(FORM_MESSAGES.invalidUsername, 'invalid')
  return state.users.findByUsername(username) ? one(FORM_MESSAGES.usernameTaken, 'unique') : []
}

export function maxLengthErrors(value: string | null | undefined, limit: number): ErrorEntry[] {
  return value != null && value.length > limit ? one(FORM_MESSAGES.maxLength(limit, value.length), 'max_length') : []
}

/** difflib's SequenceMatcher.quick_ratio: shared characters (as a multiset) over the total length. */
function quickRatio(a: string, b: string): number {
  if (!a.length && !b.length) return 1
  const counts = new Map<string, number>()
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let matches = 0
  for (const ch of a) {
    const left = counts.get(ch) ?? 0
    if (left > 0) {
      matches++
      counts.set(ch, left - 1)
    }
  }
  return (2 * matches) / (a.length + b.length)
}

/** What the similarity validator compares a password with, and how it names each attribute. */
export interface UserAttributes {
  username?: string | null
  firstName?: string | null
  lastName?: string | null
  email?: string | null
}

const VERBOSE_NAMES: Array<[keyof UserAttributes, string]> = [
  ['username', 'username'],
  ['firstName', 'first name'],
  ['lastName', 'last name'],
  ['email', 'email address'],
]

/** The validator errors for a password, in Django's validator order. */
export function passwordValidatorErrors(state: BackendState, password: string, attributes: UserAttributes): ErrorEntry[] {
  const errors: ErrorEntry[] = []
  const lower = password.toLowerCase()
  for (const [attribute, verboseName] of VERBOSE_NAMES) {
    const value = attributes[attribute]
    if (!value) continue
    // Like Django: the whole value and each of its word parts (an email's local part, its domain ...).
    const parts = [value, ...value.split(/\W+/)].filter(Boolean)
    if (parts.some((part) => quickRatio(lower, part.toLowerCase()) >= MAX_SIMILARITY)) {
      errors.push({ message: FORM_MESSAGES.tooSimilar(verboseName), code: 'password_too_similar' })
      break
    }
  }
  const min = state.config.password.minLength
  if (password.length < min) errors.push({ message: FORM_MESSAGES.tooShort(min), code: 'password_too_short' })
  if (COMMON_PASSWORDS.has(lower.trim())) errors.push({ message: FORM_MESSAGES.tooCommon, code: 'password_too_common' })
  if (/^\d+$/.test(password)) errors.push({ message: FORM_MESSAGES.entirelyNumeric, code: 'password_entirely_numeric' })
  return errors
}

/**
 * A new password typed twice (register's password1/2, the reset and change forms' new_password1/2):
 * required fields, then a mismatch on the second field (validators not run), then the validators'
 * errors on the second field.
 */
export function newPasswordErrors(
  state: BackendState,
  form: FormErrors,
  fields: [first: string, second: string],
  values: [string | null | undefined, string | null | undefined],
  attributes: UserAttributes,
): void {
  const [first, second] = values
  form.add(fields[0], requiredErrors(first))
  form.add(fields[1], requiredErrors(second))
  if (form.has(fields[0]) || form.has(fields[1])) return
  if (first !== second) return form.add(fields[1], one(FORM_MESSAGES.passwordMismatch, 'password_mismatch'))
  form.add(fields[1], passwordValidatorErrors(state, second!, attributes))
}

export const attributesOf = (user: User): UserAttributes => ({
  username: user.username,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
})
