/**
 * The accounts surface's error vocabulary: django-graphql-auth's `Messages` constants and the
 * Django form / password-validator messages it passes through, copied as project data. Every
 * value is what goes into an `errors` list: `[{ message, code }]`.
 */

export interface ErrorEntry {
  message: string
  code: string
}

/** `errors` of a mutation output: camelCased field → entries; form-wide problems under `nonFieldErrors`. */
export type ErrorsObject = Record<string, ErrorEntry[]>

const entry = (message: string, code: string): readonly ErrorEntry[] => Object.freeze([Object.freeze({ message, code })])

export const MESSAGES = {
  INVALID_PASSWORD: entry('Invalid password.', 'invalid_password'),
  UNAUTHENTICATED: entry('Unauthenticated.', 'unauthenticated'),
  INVALID_TOKEN: entry('Invalid token.', 'invalid_token'),
  EXPIRED_TOKEN: entry('Expired token.', 'expired_token'),
  ALREADY_VERIFIED: entry('Account already verified.', 'already_verified'),
  EMAIL_FAIL: entry('Failed to send email.', 'email_fail'),
  INVALID_CREDENTIALS: entry('Please, enter valid credentials.', 'invalid_credentials'),
  NOT_VERIFIED: entry('Please verify your account.', 'not_verified'),
  NOT_VERIFIED_PASSWORD_RESET: entry('Verify your account. A new verification email was sent.', 'not_verified'),
  EMAIL_IN_USE: entry('A user with that email already exists.', 'unique'),
  SECONDARY_EMAIL_REQUIRED: entry('You need to setup a secondary email to proceed.', 'secondary_email_required'),
  PASSWORD_ALREADY_SET: entry('Password already set for account.', 'password_already_set'),
} as const

export type MessageKey = keyof typeof MESSAGES

/** Django's form and validator messages (Django ≥ 3.0 wording: the mismatch uses U+2019). */
export const FORM_MESSAGES = {
  required: 'This field is required.',
  invalidEmail: 'Enter a valid email address.',
  invalidUsername: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
  usernameTaken: 'A user with that username already exists.',
  passwordMismatch: 'The two password fields didn\u2019t match.',
  tooCommon: 'This password is too common.',
  entirelyNumeric: 'This password is entirely numeric.',
  tooSimilar: (verboseName: string) => `The password is too similar to the ${verboseName}.`,
  tooShort: (min: number) => `This password is too short. It must contain at least ${min} character${min === 1 ? '' : 's'}.`,
  maxLength: (limit: number, length: number) => `Ensure this value has at most ${limit} characters (it has ${length}).`,
} as const

/** graphql-jwt's messages for a token that cannot authenticate a request (top-level GraphQL errors). */
export const JWT_MESSAGES = {
  expired: 'Signature has expired',
  decode: 'Error decoding signature',
  invalid: 'Invalid token',
  disabled: 'User is disabled',
} as const

/** tokenAuth called with other than password + exactly one of the login fields. */
export const WRONG_USAGE = "Must login with password and one of the following fields ['email', 'username']."

/**
 * Portcullis's own addition (django-graphql-auth has no throttle): too many wrong passwords, mails
 * or registrations for one account, client or address (`limits` in `PUT /__mock/config`).
 */
export const throttled = (retryAfterSeconds: number): ErrorEntry[] => [
  { message: `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, code: 'throttled' },
]
