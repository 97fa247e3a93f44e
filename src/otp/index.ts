export { createOtpClient, type AuthOtpClient, type OtpClient, type StepUpPaths } from './client'
export { otpApi, type OtpApiOptions, type OtpCredentials } from './adapter'
export type { ClientOptions } from '../core/types'
export type { components, operations, paths } from '../generated/otp/openapi'
