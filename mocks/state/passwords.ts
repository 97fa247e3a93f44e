import { fromBase64Url, toBase64Url } from './bytes'
import { timingSafeEqualBytes } from './constant-time'
import { randomBytes } from './random'

/**
 * PBKDF2-SHA256 iterations. Far below a production setting (OWASP asks for 600 000) on purpose:
 * this is a mock, and every seeded user, `POST /__mock/users` and password check pays it, so
 * 20 000 keeps a test suite with hundreds of sign-ins fast (~5–10 ms per hash) while still
 * exercising a real KDF. Hashes record their own count, so a stored hash stays verifiable if
 * this value changes.
 */
export const PASSWORD_ITERATIONS = 20_000

const SCHEME = 'pbkdf2-sha256'
const SALT_BYTES = 16
const HASH_BITS = 256

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS)
  return new Uint8Array(bits)
}

/** `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>` with a fresh random salt. */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(password, salt, iterations)
  return `${SCHEME}$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`
}

interface ParsedHash {
  iterations: number
  salt: Uint8Array<ArrayBuffer>
  hash: Uint8Array<ArrayBuffer>
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, count, salt, hash, ...rest] = stored.split('$')
  if (scheme !== SCHEME || rest.length > 0 || !count || !/^\d+$/.test(count)) return undefined
  const iterations = Number(count)
  const saltBytes = fromBase64Url(salt ?? '')
  const hashBytes = fromBase64Url(hash ?? '')
  if (iterations < 1 || iterations > 10_000_000 || !saltBytes?.length || !hashBytes?.length) return undefined
  return { iterations, salt: saltBytes, hash: hashBytes }
}

/**
 * Checks a password against a stored hash; false for a malformed hash. The final comparison is
 * constant-time so a wrong guess learns nothing from how long the check took.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const candidate = await derive(password, parsed.salt, parsed.iterations)
  return timingSafeEqualBytes(candidate, parsed.hash)
}

let dummyHash: Promise<string> | undefined

/**
 * Burns the same work as a real check, for users without a usable password (and unknown users),
 * so response times do not reveal which accounts exist. Created on first use, never at import.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('portcullis-dummy-password')
  await verifyPassword(password, await dummyHash)
  return false
}
