import type { BackendState, RequestContext, User } from '../../state/types'
import type { ValidatedRequest } from '../../validation'
import { fail } from './errors'
import type { ExperienceData, Interaction } from './interaction'

/** What an experience handler gets: a validated request inside a live interaction. */
export interface ExperienceCall {
  context: RequestContext
  state: BackendState
  input: ValidatedRequest
  interaction: Interaction
  /** The origin the client called (`redirectTo`, WebAuthn origin, connector URLs). */
  origin: string
}

export type ExperienceHandler = (call: ExperienceCall) => Promise<Response>

/** The stored experience data (the router already answered 404 when there is none). */
export function experienceOf(call: ExperienceCall): ExperienceData {
  if (!call.interaction.experience) return fail(404, 'session.interaction_not_found')
  return call.interaction.experience
}

/** The identified user, or 404 `session.identifier_not_found`. */
export function identifiedUser(call: ExperienceCall): User {
  const experience = experienceOf(call)
  const user = experience.userId === null ? undefined : call.state.users.get(experience.userId)
  if (!user) return fail(404, 'session.identifier_not_found')
  return user
}

export function body<T>(call: ExperienceCall): T {
  return call.input.body as T
}

export const noContent = (status = 204): Response => new Response(null, { status })
