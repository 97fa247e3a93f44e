/** The standard output of every accounts mutation: `success` plus `errors` (null on success). */
import { MESSAGES, type ErrorEntry, type ErrorsObject, type MessageKey } from './messages'

export interface Output {
  success: boolean
  errors: ErrorsObject | null
  [field: string]: unknown
}

export const ok = (fields: Record<string, unknown> = {}): Output => ({ ...fields, success: true, errors: null })

export const failed = (errors: ErrorsObject): Output => ({ success: false, errors })

/** A message list under one key (`nonFieldErrors` unless a field is named). */
export const error = (key: MessageKey, field = 'nonFieldErrors'): Output => failed({ [field]: copy(MESSAGES[key]) })

/** A fresh copy, so a resolver can never hand out (or let a caller mutate) the shared constants. */
export const copy = (entries: readonly ErrorEntry[]): ErrorEntry[] => entries.map((e) => ({ ...e }))
