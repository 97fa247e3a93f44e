/**
 * A step of the interaction as a challenge, and back: `data` carries what continuing it needs
 * (event, PKCE verifier, state, the cookie jar on a server), never a password.
 */
import type { AdapterContext, AdapterResult, ChallengeKind, ChallengeMethod, ChallengeState } from '../core/adapter'
import type { Flow, InteractionEvent, Kit } from './sign-in'

export type Data = ChallengeState['data']

/** A challenge step; `code` marks a one-time code (10 minutes, 10 tries: the backend's documented rules). */
export function step(kit: Kit, context: AdapterContext, { interaction, ...flow }: Flow, kind: ChallengeKind, methods: ChallengeMethod[], data: Data, code = false): AdapterResult {
  return {
    type: 'challenge',
    challenge: { adapter: kit.name, kind, methods, expiresAt: code ? context.now() + 600_000 : null, attemptsLeft: code ? 10 : null, data: { ...flow, jar: interaction.save(), ...data } },
  }
}

/** Rebuilds the interaction a challenge belongs to. */
export function resume(kit: Kit, context: AdapterContext, data: Data): Flow {
  const saved = data['jar']
  return {
    interaction: kit.interactions(context.fetch, typeof saved === 'string' ? saved : null),
    event: String(data['event']) as InteractionEvent,
    verifier: String(data['verifier']),
    state: String(data['state']),
    nonce: typeof data['nonce'] === 'string' ? data['nonce'] : null,
  }
}
