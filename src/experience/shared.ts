/** What both experience entries (page and Node) export besides `experienceApi`. */
export { createExperienceClient, type ExperienceClient } from './client'
export {
  resetPassword,
  signInWithConnector,
  signUp,
  type ConnectorSignIn,
  type ExperienceAdapter,
  type ExperienceApiOptions,
  type ExperienceCredentials,
  type ExperienceSignUp,
  type ProfileAnswer,
} from './adapter'
export { resumeExperienceStep } from './resume'
export { createWebAuthnCredential, describeStep, getWebAuthnCredential, type ExperienceStep } from './steps'
export type { ClientOptions } from '../core/types'
export type { components, operations, paths } from '../generated/experience/openapi'
