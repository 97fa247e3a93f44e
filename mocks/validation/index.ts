/**
 * Reusable OpenAPI 3.1 request/response validation for the REST surfaces of the mock
 * (otp, experience). Build one validator per embedded spec with `createOpenApiValidator`.
 */
export { createOpenApiValidator, pointerOf } from './openapi'
export type { OpenApiValidator, OpenApiValidatorOptions } from './openapi'
export { readRequestBody } from './request'
export { countRootFields } from './graphql-root-fields'
export type { BodyParse, BodySource } from './request'
export { bodySource, DEFAULT_MAX_BODY_BYTES, isJsonMediaType, mediaTypeOf, readBodyText } from './body'
export { DEFAULT_MAX_ISSUES, dedupeIssues, issuesFromAjvErrors, joinIssuePath } from './issues'
export type {
  BodyRead,
  HttpMethod,
  OperationInfo,
  RequestInput,
  RequestValidation,
  RouteMatch,
  ValidatedRequest,
  ValidationIssue,
  ValidationResult,
} from './types'
