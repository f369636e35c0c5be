// The repository's docs/*.md, built into the dashboard so its Help pages show the same text as the repository.
const files = import.meta.glob('../../../docs/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Doc {
  /** The file name without `.md`: `bots` for docs/bots.md. */
  slug: string;
  title: string;
  text: string;
}

export const DOCS: Doc[] = Object.entries(files)
  .map(([path, text]) => ({
    slug: path.split('/').at(-1)!.replace(/\.md$/, ''),
    title: /^#\s+(.+)$/m.exec(text)?.[1] ?? path,
    text,
  }))
  .sort((a, b) => a.slug.localeCompare(b.slug));
