import SwaggerParser from '@apidevtools/swagger-parser'
import { describe, expect, it } from 'vitest'
import { root } from '../../support/schema-files'

describe.each(['experience', 'otp'])('schema/openapi/%s.yaml', (name) => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const api = await SwaggerParser.validate(`${root}/schema/openapi/${name}.yaml`)
    expect(api).toHaveProperty('openapi', '3.1.0')
  })
})
