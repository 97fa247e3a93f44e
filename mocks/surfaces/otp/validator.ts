import { otpSpec } from '../../generated/schemas'
import { createOpenApiValidator } from '../../validation'

/** The `$id` the otp spec is registered under inside Ajv. */
export const OTP_SPEC_ID = 'https://portcullis.dev/openapi/otp.json'

/**
 * Validator for `schema/openapi/otp.yaml` (embedded by codegen as `otpSpec`). Creating it costs
 * nothing: the spec is compiled on the first request, each schema once.
 */
export const otpValidator = createOpenApiValidator(otpSpec, { id: OTP_SPEC_ID })
