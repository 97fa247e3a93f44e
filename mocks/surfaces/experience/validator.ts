import { experienceSpec } from '../../generated/schemas'
import { createOpenApiValidator } from '../../validation'

/** The `$id` the experience spec is registered under inside Ajv. */
export const EXPERIENCE_SPEC_ID = 'https://portcullis.dev/openapi/experience.json'

/** Validator for `schema/openapi/experience.yaml`, compiled lazily on the first request. */
export const experienceValidator = createOpenApiValidator(experienceSpec, { id: EXPERIENCE_SPEC_ID })
