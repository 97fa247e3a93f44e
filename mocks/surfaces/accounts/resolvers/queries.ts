/**
 * `users` (no token needed; every filter of the schema, relay cursor paging as graphene-django
 * does it: `arrayconnection:<index>` cursors, `offset`, at most 100 per page), `user(id)` and `me`.
 */
import { GraphQLError } from 'graphql'
import type { User } from '../../../state/types'
import { pkFromGlobalId, userNode } from '../user-node'
import { text, type QueryImpl } from './types'

const MAX_PAGE = 100
const CURSOR_PREFIX = 'arrayconnection:'

const cursorOf = (index: number): string => btoa(`${CURSOR_PREFIX}${index}`)

/** The index a cursor names, or undefined for a cursor that is not one (graphene ignores those). */
function indexOf(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string' || cursor.length > 64) return undefined
  try {
    const match = new RegExp(`^${CURSOR_PREFIX}(\\d{1,9})$`).exec(atob(cursor))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

type Filter = (user: User, value: unknown) => boolean

const lower = (value: string | null): string => (value ?? '').toLowerCase()

/** USER_NODE_FILTER_FIELDS: Django's `exact` is case-sensitive, `icontains`/`istartswith` are not. */
const FILTERS: Record<string, Filter> = {
  email: (user, value) => user.email === value,
  username: (user, value) => user.username === value,
  username_Icontains: (user, value) => lower(user.username).includes(lower(text(value))),
  username_Istartswith: (user, value) => lower(user.username).startsWith(lower(text(value))),
  isActive: (user, value) => user.isActive === value,
  status_Archived: (user, value) => user.archived === value,
  status_Verified: (user, value) => user.verified === value,
  status_SecondaryEmail: (user, value) => user.secondaryEmail === value,
}

function count(args: Record<string, unknown>, name: 'first' | 'last' | 'offset'): number | undefined {
  const value = args[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || value < 0) throw new GraphQLError(`Argument "${name}" must be a non-negative integer.`, { extensions: { code: 'BAD_USER_INPUT' } })
  if (name !== 'offset' && value > MAX_PAGE) {
    throw new GraphQLError(`Requesting ${value} records on the \`users\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`, { extensions: { code: 'BAD_USER_INPUT' } })
  }
  return value
}

export const users: QueryImpl = (args, ctx) => {
  const active = Object.entries(FILTERS).filter(([name]) => args[name] !== undefined && args[name] !== null)
  const list = ctx.state.users.all().filter((user) => active.every(([name, matches]) => matches(user, args[name])))
  const [first, last, offset] = [count(args, 'first'), count(args, 'last'), count(args, 'offset')]

  const after = indexOf(args['after'])
  let start = (offset ?? 0) + (after === undefined ? 0 : after + 1)
  const before = indexOf(args['before'])
  let end = Math.min(list.length, before ?? list.length)
  start = Math.min(start, end)
  const lowerBound = start
  const upperBound = end
  if (first !== undefined) end = Math.min(end, start + first)
  if (last !== undefined) start = Math.max(start, end - last)
  // Without first/last graphene-django still caps a page at its maximum.
  if (first === undefined && last === undefined) end = Math.min(end, start + MAX_PAGE)

  const edges = list.slice(start, end).map((user, i) => ({ cursor: cursorOf(start + i), node: userNode(user) }))
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasPreviousPage: last !== undefined ? start > lowerBound : false,
      hasNextPage: end < upperBound,
    },
  }
}

export const user: QueryImpl = (args, ctx) => {
  const pk = pkFromGlobalId(args['id'])
  const found = pk === undefined ? undefined : ctx.state.users.getByPk(pk)
  return found ? userNode(found) : null
}

/** null for an anonymous caller; a bad JWT fails the field with graphql-jwt's message. */
export const me: QueryImpl = async (_args, ctx) => {
  const viewer = await ctx.viewer()
  return viewer ? userNode(viewer.user) : null
}
