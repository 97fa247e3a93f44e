import { describe, expect, it } from 'vitest'
import { defaultConfig, updateConfig } from '../../../mocks/state/config'
import { MockInputError } from '../../../mocks/state/types'

describe('config', () => {
  it('has the documented defaults', () => {
    const config = defaultConfig()
    expect(config.platform).toEqual({ accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 86_400, twoFactorCodeTtlSeconds: 600, twoFactorMaxAttempts: 5, resetCodeTtlSeconds: 3600 })
    expect(config.otp).toEqual({ accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 604_800, codeTtlSeconds: 300, codeMaxAttempts: 5, codeRequestsPerWindow: 5, codeRequestWindowSeconds: 900 })
    expect(config.accounts.allowLoginNotVerified).toBe(true)
  })

  it('deep-merges in place, replacing arrays', () => {
    const config = defaultConfig()
    const platform = config.platform
    updateConfig(config, { platform: { accessTokenTtlSeconds: 60 }, experience: { mfa: { factors: ['BackupCode'] } } })
    expect(config.platform).toBe(platform)
    expect(config.platform.accessTokenTtlSeconds).toBe(60)
    expect(config.platform.refreshTokenTtlSeconds).toBe(86_400)
    expect(config.experience.mfa).toEqual({ policy: 'UserControlled', factors: ['BackupCode'] })
    updateConfig(config, { experience: { ssoDomains: { 'corp.example': ['okta'] } } })
    updateConfig(config, { experience: { ssoDomains: { 'other.example': ['azure'] } } })
    expect(config.experience.ssoDomains).toEqual({ 'other.example': ['azure'] })
  })

  it.each([
    [{ nope: 1 }, 'nope'],
    [{ platform: { accessTokenTtl: 5 } }, 'platform.accessTokenTtl'],
    [{ platform: { accessTokenTtlSeconds: '60' } }, 'platform.accessTokenTtlSeconds'],
    [{ platform: { accessTokenTtlSeconds: 0 } }, 'platform.accessTokenTtlSeconds'],
    [{ platform: { accessTokenTtlSeconds: 1.5 } }, 'platform.accessTokenTtlSeconds'],
    [{ mailEnabled: 'yes' }, 'mailEnabled'],
    [{ experience: { mfa: { policy: 'Sometimes' } } }, 'experience.mfa.policy'],
    [{ experience: { mfa: { factors: ['Sms'] } } }, 'experience.mfa.factors[0]'],
    [{ experience: { ssoDomains: { x: 'okta' } } }, 'experience.ssoDomains.x'],
    [{ platform: null }, 'platform'],
    [[], undefined],
  ])('rejects %j with invalid_config', (patch, field) => {
    expect(() => updateConfig(defaultConfig(), patch)).toThrow(MockInputError)
    try {
      updateConfig(defaultConfig(), patch)
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_config', field })
    }
  })

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('rejects the Object.prototype name %s as an unknown setting (top level and nested)', (key) => {
    // JSON.parse makes `__proto__` an own key, as a PUT /__mock/config body would.
    for (const patch of [JSON.parse(`{"${key}":{"polluted":true}}`), JSON.parse(`{"platform":{"${key}":{"polluted":true}}}`)]) {
      const config = defaultConfig()
      expect(() => updateConfig(config, patch)).toThrow(MockInputError)
      expect(Object.getPrototypeOf(config)).toBe(Object.prototype)
      expect(Object.getPrototypeOf(config.platform)).toBe(Object.prototype)
      expect(config).toEqual(defaultConfig())
      expect(Object.keys(config.platform)).toEqual(Object.keys(defaultConfig().platform))
    }
  })

  it('a patch with one bad key changes nothing at all', () => {
    const config = defaultConfig()
    expect(() => updateConfig(config, { mailEnabled: false, platform: { accessTokenTtlSeconds: 10 }, nope: true })).toThrow(MockInputError)
    expect(config).toEqual(defaultConfig())
  })
})
