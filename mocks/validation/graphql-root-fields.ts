/**
 * Counting the root fields of a GraphQL operation by name, for the per-request limit on sensitive
 * fields (password and code checks, code sends, sign-ups). Aliases make one field run many times
 * in one request (`a: login(…) b: login(…)`), so every occurrence counts, including those behind
 * fragment spreads and inline fragments at the root. Directives are ignored: a skipped field still
 * counts, which only errs on the safe side.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql'

export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode, names: ReadonlySet<string>): number {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  const seen = new Set<string>()
  const count = (set: SelectionSetNode): number => {
    let total = 0
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += names.has(selection.name.value) ? 1 : 0
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet)
      else {
        // A fragment is counted each time it is spread (validation already refused cycles; `seen` is belt and braces).
        const fragment = fragments.get(selection.name.value)
        if (!fragment || seen.has(fragment.name.value)) continue
        seen.add(fragment.name.value)
        total += count(fragment.selectionSet)
        seen.delete(fragment.name.value)
      }
    }
    return total
  }
  return count(operation.selectionSet)
}
