// The Help pages' reading of a Markdown document: headings, paragraphs joined, lists, tables and code kept verbatim.
import { describe, expect, it } from 'vitest';
import { markdownBlocks } from './markdown-blocks.ts';

describe('markdown blocks', () => {
  it('splits a document into what the page shows', () => {
    const doc = ['# Title', '', 'One paragraph', 'over two lines.', '', '- first', '  continued', '- second', '', '| a | b |', '| - | - |', '', '```sh', 'npm test', '', 'more', '```', '## Next'].join('\n');
    expect(markdownBlocks(doc)).toEqual([
      { kind: 'heading', level: 1, text: 'Title' },
      { kind: 'paragraph', text: 'One paragraph over two lines.' },
      { kind: 'list', items: ['first continued', 'second'] },
      { kind: 'verbatim', text: '| a | b |\n| - | - |' },
      { kind: 'verbatim', text: 'npm test\n\nmore' },
      { kind: 'heading', level: 2, text: 'Next' },
    ]);
  });
});
