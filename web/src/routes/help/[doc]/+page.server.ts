// /help/[doc]: one document of docs/ as blocks (headings, paragraphs, lists, verbatim tables and code).
import { error } from '@sveltejs/kit';
import { DOCS } from '#lib/docs.server.ts';
import { markdownBlocks } from '#lib/markdown-blocks.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => {
  const doc = DOCS.find((d) => d.slug === params.doc);
  if (!doc) error(404, 'No such document.');
  return { title: doc.title, slug: doc.slug, blocks: markdownBlocks(doc.text) };
};
