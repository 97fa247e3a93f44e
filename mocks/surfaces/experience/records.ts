/**
 * Verification records: the evidence an interaction collects. One record per type is kept; a new
 * one replaces the old, whose id then answers 404 `session.verification_session_not_found`.
 */
import { nanoid } from '../../state/random'
import { fail } from './errors'
import type { ExperienceData, InteractionEvent } from './interaction'

export type VerificationType =
  | 'Password'
  | 'EmailVerificationCode'
  | 'PhoneVerificationCode'
  | 'Social'
  | 'EnterpriseSso'
  | 'Totp'
  | 'WebAuthn'
  | 'BackupCode'
  | 'NewPasswordIdentity'

export interface ExternalIdentity {
  id: string
  email?: string
  phone?: string
  name?: string
}

interface Base<T extends VerificationType> {
  type: T
  id: string
  verified: boolean
}

export type VerificationRecord =
  | (Base<'Password'> & { userId: string; identifier: { type: 'username' | 'email' | 'phone'; value: string } })
  | (Base<'EmailVerificationCode' | 'PhoneVerificationCode'> & { identifier: { type: 'email' | 'phone'; value: string }; event: InteractionEvent; codeKey: string })
  | (Base<'Social' | 'EnterpriseSso'> & { connectorId: string; state: string; redirectUri: string; identity: ExternalIdentity | null })
  | (Base<'Totp'> & { userId: string; /** set for an enrolment record */ secret: string | null })
  | (Base<'WebAuthn'> & { userId: string; mode: 'registration' | 'authentication'; challenge: string; credential: { id: string; publicKey: string; counter: number; transports: string[] } | null })
  | (Base<'BackupCode'> & { userId: string; /** set for a generated (enrolment) record */ codes: string[] | null })
  | (Base<'NewPasswordIdentity'> & { username: string; password: string })

/** The record kind(s) whose `type` may be `T`. */
type RecordOf<T extends VerificationType> = VerificationRecord extends infer R ? (R extends { type: infer U } ? (T extends U ? R & { type: T } : never) : never) : never

/** A record before it has an id (distributes over the union, so each kind keeps its fields). */
export type NewRecord = VerificationRecord extends infer R ? (R extends VerificationRecord ? Omit<R, 'id'> : never) : never

/** A verified existing second factor (not a new binding). */
export function isVerifiedFactor(record: VerificationRecord | undefined): boolean {
  return (
    (record?.type === 'Totp' && record.verified && record.secret === null) ||
    (record?.type === 'WebAuthn' && record.verified && record.mode === 'authentication') ||
    (record?.type === 'BackupCode' && record.verified && record.codes === null)
  )
}

/** Adds a record with a fresh id, replacing the previous one of its type. */
export function putRecord<N extends NewRecord>(experience: ExperienceData, record: N): N & { id: string } {
  // Generating codes to bind after the last one was spent replaces the record that verified the
  // factor: the interaction keeps the verification it already holds.
  if (isVerifiedFactor(experience.records.get(record.type))) experience.mfa.verified = true
  const stored = { ...record, id: nanoid() }
  experience.records.set(stored.type, stored as VerificationRecord)
  return stored
}

/** The record with this id, or 404; `types` narrows which kinds are acceptable. */
export function findRecord<T extends VerificationType>(experience: ExperienceData, id: string, types: readonly T[]): RecordOf<T> {
  for (const type of types) {
    const record = experience.records.get(type)
    if (record && record.id === id) return record as RecordOf<T>
  }
  return fail(404, 'session.verification_session_not_found')
}

export function anyRecord(experience: ExperienceData, id: string): VerificationRecord {
  for (const record of experience.records.values()) if (record.id === id) return record
  return fail(404, 'session.verification_session_not_found')
}
