/**
 * A software WebAuthn authenticator for tests: it answers the JSON options a relying party sends
 * (`PublicKeyCredentialCreationOptionsJSON` / `…RequestOptionsJSON`, as `@simplewebauthn/server`
 * makes them) with the JSON a browser's `navigator.credentials.create()` / `.get()` would give
 * (`RegistrationResponseJSON` / `AuthenticationResponseJSON`), so a Node test can run the whole
 * ceremony without a browser. Keys are ES256 (P-256) WebCrypto keys kept in memory; attestation
 * is `none`, as most platform authenticators send it.
 *
 * CBOR and base64url come from `@simplewebauthn/server/helpers` and the DER signature wrapping
 * from `@peculiar/asn1-*`, the same libraries the verifier uses to read them.
 */
import { ECDSASigValue } from '@peculiar/asn1-ecc'
import { AsnSerializer } from '@peculiar/asn1-schema'
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers'
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'

/** Options of `createVirtualAuthenticator`. */
export interface VirtualAuthenticatorOptions {
  /**
   * The page origin the ceremony runs on, written into `clientDataJSON` (the relying party
   * checks it). Default `https://<rp id>`.
   */
  origin?: string
  /** Whether the "user" verifies (PIN / biometrics): sets the UV flag. Default true. */
  userVerified?: boolean
  /** Transports reported for new credentials. Default `['internal']`. */
  transports?: AuthenticatorTransport[]
  /** 16-byte AAGUID of the authenticator model. Default all zeros. */
  aaguid?: Uint8Array
}

/** A credential the authenticator holds (no private key material). */
export interface VirtualCredential {
  id: string
  rpId: string
  /** base64url user handle (`user.id` of the registration options). */
  userHandle: string
  signCount: number
}

/** A credential as `PublicKeyCredential.toJSON()` gives it; a plain record, so `challenge.verify()` takes it as it is. */
export type CredentialJSON<T> = T & Record<string, unknown>

/** A software passkey authenticator for tests: answers WebAuthn registration and sign-in options as a browser would. */
export interface VirtualAuthenticator {
  /** Answers `navigator.credentials.create({ publicKey })`; rejects like a browser (`InvalidStateError`) for an excluded credential. */
  register(options: PublicKeyCredentialCreationOptionsJSON, call?: CallOptions): Promise<CredentialJSON<RegistrationResponseJSON>>
  /** Answers `navigator.credentials.get({ publicKey })`; rejects with `NotAllowedError` when it holds no allowed credential. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, call?: CallOptions): Promise<CredentialJSON<AuthenticationResponseJSON>>
  /** What it holds, oldest first. */
  readonly credentials: readonly VirtualCredential[]
}

/** Per-call options of the virtual authenticator. */
export interface CallOptions {
  /** Overrides the authenticator's origin for this call. */
  origin?: string
}

interface StoredCredential extends VirtualCredential {
  rawId: Uint8Array
  privateKey: CryptoKey
}

const ES256 = -7
const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_AT = 0x40

/** A named error like the ones `navigator.credentials` rejects with. */
function domError(name: 'InvalidStateError' | 'NotAllowedError' | 'NotSupportedError', message: string): Error {
  const error = new Error(message)
  error.name = name
  return error
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const sha256 = async (data: Uint8Array): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
const b64url = (bytes: Uint8Array): string => isoBase64URL.fromBuffer(bytes as Uint8Array<ArrayBuffer>)
const uint32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value >>> 0)
  return out
}

/** The credential public key as a COSE_Key (EC2, P-256, ES256). */
async function coseKey(publicKey: CryptoKey): Promise<Uint8Array> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey)
  const key = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, ES256], // alg
    [-1, 1], // crv: P-256
    [-2, isoBase64URL.toBuffer(jwk.x!)],
    [-3, isoBase64URL.toBuffer(jwk.y!)],
  ])
  return isoCBOR.encode(key)
}

/** WebCrypto signs ECDSA as raw r‖s; WebAuthn carries it DER-encoded (an ASN.1 Ecdsa-Sig-Value). */
async function signDer(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data as BufferSource))
  const value = new ECDSASigValue({ r: raw.slice(0, 32).buffer, s: raw.slice(32).buffer })
  return new Uint8Array(AsnSerializer.serialize(value))
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Uint8Array {
  return utf8(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
}

/** Creates a virtual authenticator (ES256 keys held in memory). */
export function createVirtualAuthenticator(options: VirtualAuthenticatorOptions = {}): VirtualAuthenticator {
  const held: StoredCredential[] = []
  const aaguid = options.aaguid ?? new Uint8Array(16)
  const transports = options.transports ?? ['internal']
  const flags = (extra: number): Uint8Array => Uint8Array.of(FLAG_UP | (options.userVerified === false ? 0 : FLAG_UV) | extra)
  const originFor = (rpId: string, call?: CallOptions): string => call?.origin ?? options.origin ?? `https://${rpId}`

  return {
    get credentials() {
      return held.map(({ id, rpId, userHandle, signCount }) => ({ id, rpId, userHandle, signCount }))
    },

    async register(creation, call) {
      const origin = originFor(creation.rp.id ?? '', call)
      const rpId = creation.rp.id ?? new URL(origin).hostname
      if (!creation.pubKeyCredParams.some((param) => param.alg === ES256)) {
        throw domError('NotSupportedError', 'The relying party does not accept ES256 keys.')
      }
      const excluded = new Set((creation.excludeCredentials ?? []).map((credential) => credential.id))
      if (held.some((credential) => credential.rpId === rpId && excluded.has(credential.id))) {
        throw domError('InvalidStateError', 'The authenticator already holds a credential for this account.')
      }
      const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
      const rawId = crypto.getRandomValues(new Uint8Array(32))
      const publicKey = await coseKey(pair.publicKey)
      const authenticatorData = concat(
        await sha256(utf8(rpId)),
        flags(FLAG_AT),
        uint32(0),
        aaguid,
        Uint8Array.of(rawId.length >> 8, rawId.length & 0xff),
        rawId,
        publicKey,
      )
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Map<string, string> | Uint8Array>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, string>()],
          ['authData', authenticatorData],
        ]),
      )
      const id = b64url(rawId)
      held.push({ id, rawId, rpId, userHandle: creation.user.id, signCount: 0, privateKey: pair.privateKey })
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', creation.challenge, origin)),
          attestationObject: b64url(attestationObject),
          authenticatorData: b64url(authenticatorData),
          transports,
          publicKeyAlgorithm: ES256,
          publicKey: b64url(spki),
        },
        authenticatorAttachment: transports.includes('internal') ? 'platform' : 'cross-platform',
        clientExtensionResults: {},
      }
    },

    async authenticate(request, call) {
      const origin = originFor(request.rpId ?? '', call)
      const rpId = request.rpId ?? new URL(origin).hostname
      const allowed = new Set((request.allowCredentials ?? []).map((credential) => credential.id))
      // An empty allow list asks for a discoverable credential: the newest one for this RP.
      const credential = [...held].reverse().find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(c.id)))
      if (!credential) throw domError('NotAllowedError', 'The authenticator holds no credential this relying party allows.')
      credential.signCount += 1
      const authenticatorData = concat(await sha256(utf8(rpId)), flags(0), uint32(credential.signCount))
      const clientDataJSON = clientData('webauthn.get', request.challenge, origin)
      const signature = await signDer(credential.privateKey, concat(authenticatorData, await sha256(clientDataJSON)))
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(authenticatorData),
          signature: b64url(signature),
          userHandle: credential.userHandle,
        },
        authenticatorAttachment: transports.includes('internal') ? 'platform' : 'cross-platform',
        clientExtensionResults: {},
      }
    },
  }
}
