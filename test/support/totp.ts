/**
 * RFC 6238 TOTP written out with node:crypto, independent of otpauth (which the mock uses), so a
 * test that computes codes with it checks the mock's TOTP rather than agreeing with itself.
 */
import { createHmac } from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 (no padding needed; spaces and case ignored) to bytes. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase()
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const char of clean) {
    const index = BASE32.indexOf(char)
    if (index < 0) throw new Error(`not base32: ${char}`)
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out.push((value >>> bits) & 0xff)
    }
  }
  return Buffer.from(out)
}

/** RFC 4226 HOTP of `key` at `counter` (HMAC-SHA1, dynamic truncation). */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The TOTP code of a base32 secret at `timeMs` (30-second steps, 6 digits: what the mock uses). */
export function totp(secretBase32: string, timeMs: number, options: { digits?: number; periodSeconds?: number } = {}): string {
  const counter = Math.floor(timeMs / 1000 / (options.periodSeconds ?? 30))
  return hotp(base32Decode(secretBase32), counter, options.digits ?? 6)
}
