import { toBase64Url, toHex } from './bytes'

/** Random values from WebCrypto only; rejection sampling keeps every digit/letter equally likely. */

/** Random bytes drawn ahead: a `getRandomValues` call costs about as much for 4 KiB as for 16 bytes. */
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let used = 0

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (length > POOL_BYTES / 4) {
    const bytes = new Uint8Array(length)
    crypto.getRandomValues(bytes)
    return bytes
  }
  if (used + length > pool.length) {
    // Filled lazily (nothing at import time); each byte is handed out once.
    pool = new Uint8Array(POOL_BYTES)
    crypto.getRandomValues(pool)
    used = 0
  }
  const bytes = pool.slice(used, used + length)
  used += length
  return bytes
}

/** `length` characters drawn uniformly from `alphabet` (at most 256 symbols). */
export function randomFromAlphabet(alphabet: string, length: number): string {
  // Largest multiple of the alphabet size that fits in a byte: bytes above it are re-drawn.
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte >= limit) continue
      out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}

/** A numeric one-time code, leading zeros kept (e.g. "042917"). */
export function randomDigits(length = 6): string {
  return randomFromAlphabet('0123456789', length)
}

export function randomHex(byteLength: number): string {
  return toHex(randomBytes(byteLength))
}

export function randomBase64Url(byteLength: number): string {
  return toBase64Url(randomBytes(byteLength))
}

/** nanoid-like id, 21 chars of [0-9a-z] (the experience API's `verificationId` format). */
export function nanoid(length = 21): string {
  return randomFromAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', length)
}

/** UUID v4. `crypto.randomUUID` is missing on insecure (non-localhost http) browser origins. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = randomBytes(16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = toHex(bytes)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
