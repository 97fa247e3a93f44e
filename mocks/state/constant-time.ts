const encoder = new TextEncoder()

/**
 * Compares two byte strings without an early exit, so the time taken does not reveal how many
 * leading bytes matched. A length difference still fails, after the same loop over the longer one.
 */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length)
  let diff = a.length ^ b.length
  for (let i = 0; i < length; i++) {
    diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  }
  return diff === 0
}

/** `timingSafeEqualBytes` over the UTF-8 encoding of two strings (codes, hashes, tokens). */
export function timingSafeEqual(a: string, b: string): boolean {
  return timingSafeEqualBytes(encoder.encode(a), encoder.encode(b))
}
