import type { NewUser } from './state/types'

/** The one password of every demo account (public on purpose: it is printed by the CLI). */
export const DEMO_PASSWORD = 'portcullis-demo'

/**
 * carol's TOTP secret, base32, so a person can add it to an authenticator app
 * (otpauth://totp/Portcullis:carol@example.com?secret=PORTCULLISDEMOTOTPSECRETKEY23456&issuer=Portcullis).
 */
export const DEMO_TOTP_SECRET = 'PORTCULLISDEMOTOTPSECRETKEY23456'

/** carol's unused backup codes (experience surface), 10 hex characters like the generated ones. */
export const DEMO_BACKUP_CODES = ['0a1b2c3d4e', '5f6a7b8c9d', 'e0f1a2b3c4'] as const

export interface DemoUser extends NewUser {
  id: string
  email: string
  username: string
  password: string
  /** What the account is for, as the CLI banner shows it. */
  description: string
}

/** Seeded by default and restored by reset. Fixed ids, so URLs and logs stay stable across runs. */
export const demoUsers: readonly DemoUser[] = Object.freeze([
  {
    id: '00000000-0000-4000-8000-00000000a11c',
    email: 'alice@example.com',
    username: 'alice',
    password: DEMO_PASSWORD,
    firstName: 'Alice',
    lastName: 'Archer',
    verified: true,
    description: 'plain verified user, no second factor',
  },
  {
    id: '00000000-0000-4000-8000-000000000b0b',
    email: 'bob@example.com',
    username: 'bob',
    password: DEMO_PASSWORD,
    firstName: 'Bob',
    lastName: 'Baker',
    verified: true,
    twoFactor: true,
    description: 'platform emailed 2FA code at login (read it from GET /__mock/outbox)',
  },
  {
    id: '00000000-0000-4000-8000-0000000ca201',
    email: 'carol@example.com',
    username: 'carol',
    password: DEMO_PASSWORD,
    firstName: 'Carol',
    lastName: 'Carter',
    verified: true,
    phone: '+34600000003',
    phoneCountry: 'ES',
    totpSecret: DEMO_TOTP_SECRET,
    totpVerified: true,
    backupCodes: [...DEMO_BACKUP_CODES],
    description: `TOTP (secret ${DEMO_TOTP_SECRET}), backup codes ${DEMO_BACKUP_CODES.join(', ')}, phone +34600000003`,
  },
  {
    id: '00000000-0000-4000-8000-00000000da4e',
    email: 'dave@example.com',
    username: 'dave',
    password: DEMO_PASSWORD,
    firstName: 'Dave',
    lastName: 'Dawson',
    verified: false,
    description: 'unverified (accounts activation flows)',
  },
  {
    id: '00000000-0000-4000-8000-00000000a7ac',
    email: 'grace@example.com',
    username: 'grace',
    password: DEMO_PASSWORD,
    firstName: 'Grace',
    lastName: 'Gale',
    verified: true,
    secondaryEmail: 'grace.backup@example.org',
    description: 'secondary email grace.backup@example.org (accounts: sign in by it, swapEmails, password reset to it)',
  },
])

/** The demo users as a seed (without the banner descriptions). */
export function demoSeed(): NewUser[] {
  return demoUsers.map(({ description: _description, ...user }) => structuredClone(user))
}
