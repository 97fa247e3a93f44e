/**
 * The experience surface's maps (interactions, authorization codes, connector codes, OIDC
 * session data) are filled by unauthenticated requests, so each keeps at most `MAX_ENTRIES`:
 * adding one more drops the oldest (Map order is insertion order).
 */
export const MAX_ENTRIES = 1000

export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max = MAX_ENTRIES): void {
  map.delete(key)
  while (map.size >= max) {
    const oldest = map.keys().next()
    if (oldest.done) break
    map.delete(oldest.value)
  }
  map.set(key, value)
}
