/**
 * A software WebAuthn authenticator for the mock's own tests: an ES256 key pair in WebCrypto,
 * "none" attestation, and assertions signed the way a security key signs them, so the mock's
 * @simplewebauthn/server checks run for real. (CBOR comes from @simplewebauthn/server's helpers.)
 */
import { isoCBOR } from '@simplewebauthn/server/helpers'

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)))
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

/** WebCrypto's raw r‖s ECDSA signature as the DER sequence WebAuthn uses. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (part: Uint8Array) => {
    let i = 0
    while (i < part.length - 1 && part[i] === 0) i++
    const trimmed = part.subarray(i)
    const body = trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed
    return concat(new Uint8Array([0x02, body.length]), body)
  }
  const seq = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)))
  return concat(new Uint8Array([0x30, seq.length]), seq)
}

export interface SoftAuthenticator {
  credentialId: string
  register(options: { challenge: string; rp: { id?: string } }, origin: string): Promise<Record<string, unknown>>
  authenticate(options: { challenge: string; rpId?: string }, origin: string, overrides?: { signCount?: number }): Promise<Record<string, unknown>>
}

export async function createSoftAuthenticator(): Promise<SoftAuthenticator> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey)
  const id = crypto.getRandomValues(new Uint8Array(16))
  let counter = 0
  const rpHash = (rpId: string) => sha256(new TextEncoder().encode(rpId))
  const clientData = (type: string, challenge: string, origin: string) => new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }))

  return {
    credentialId: b64u(id),
    async register(options, origin) {
      const rpId = options.rp.id ?? new URL(origin).hostname
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ])
      const header = new Uint8Array(37)
      header.set(await rpHash(rpId), 0)
      header[32] = 0x01 | 0x04 | 0x40 // user present, user verified, attested credential data
      const authData = concat(header, new Uint8Array(16), new Uint8Array([0, id.length]), id, isoCBOR.encode(cose))
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never)
      return {
        type: 'WebAuthn',
        id: b64u(id),
        rawId: b64u(id),
        response: { clientDataJSON: b64u(clientData('webauthn.create', options.challenge, origin)), attestationObject: b64u(attestationObject), transports: ['usb'] },
        clientExtensionResults: {},
      }
    },
    async authenticate(options, origin, overrides = {}) {
      const rpId = options.rpId ?? new URL(origin).hostname
      counter = overrides.signCount ?? counter + 1
      const authData = new Uint8Array(37)
      authData.set(await rpHash(rpId), 0)
      authData[32] = 0x01 | 0x04
      new DataView(authData.buffer).setUint32(33, counter)
      const clientDataJSON = clientData('webauthn.get', options.challenge, origin)
      const signed = concat(authData, await sha256(clientDataJSON))
      const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, signed))
      return {
        type: 'WebAuthn',
        id: b64u(id),
        rawId: b64u(id),
        response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(derSignature(raw)) },
        clientExtensionResults: {},
      }
    },
  }
}
