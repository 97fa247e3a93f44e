export { createExperienceClient, type ExperienceClient } from './client'
export type { ClientOptions } from '../core/types'
export type { components, operations, paths } from '../generated/experience/openapi'
