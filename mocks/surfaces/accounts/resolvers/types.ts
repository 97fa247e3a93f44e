import type { AccountsContext } from '../context'
import type { Output } from '../output'

/** One mutation, written once: the classic schema passes its arguments, the relay schema its `input`. */
export type MutationImpl = (args: Record<string, unknown>, ctx: AccountsContext) => Promise<Output>

/** A query field (the same in both schemas). */
export type QueryImpl = (args: Record<string, unknown>, ctx: AccountsContext) => unknown

/** A string argument as given (null when absent or not a string: the schema types them as String). */
export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
