/**
 * The ```ts blocks of README.md, for the checks that compile and run them. A block preceded by
 * `<!-- continues the snippet above -->` is a later step of the block before it and is joined to it.
 */
export const CONTINUES = '<!-- continues the snippet above -->'

export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number
  heading: string
  code: string
}

/** The ```ts blocks of a Markdown text, continuations joined to the block they continue. */
export function readmeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n')
  const snippets: Snippet[] = []
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '')
    if (!/^```(ts|typescript)\s*$/.test(line)) continue
    const start = i
    const body: string[] = []
    while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!)
    const code = body.join('\n')
    const previous = snippets.at(-1)
    if (lines[start - 1]?.trim() === CONTINUES && previous) previous.code += `\n// README line ${start + 1}\n${code}`
    else snippets.push({ line: start + 1, heading, code })
  }
  return snippets
}
