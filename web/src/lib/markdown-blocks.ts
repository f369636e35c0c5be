// Splits a Markdown document into the blocks the Help pages show: headings, paragraphs, lists, and verbatim blocks
// (code fences, tables). Inline markup (`code`, [links](x.md)) stays as written.

export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'verbatim'; text: string };

export function markdownBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (line.startsWith('```')) {
      const body: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!);
      blocks.push({ kind: 'verbatim', text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
      continue;
    }
    // A block runs to the next blank line or heading.
    const body = [line];
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !/^(#{1,6}\s|```)/.test(lines[i + 1]!)) body.push(lines[++i]!);
    if (body[0]!.startsWith('|')) blocks.push({ kind: 'verbatim', text: body.join('\n') });
    else if (/^\s*[-*]\s/.test(body[0]!)) {
      const items: string[] = [];
      for (const l of body) {
        if (/^\s*[-*]\s/.test(l)) items.push(l.replace(/^\s*[-*]\s+/, ''));
        else items[items.length - 1] += ` ${l.trim()}`;
      }
      blocks.push({ kind: 'list', items });
    } else blocks.push({ kind: 'paragraph', text: body.join(' ') });
  }
  return blocks;
}
