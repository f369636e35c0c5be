// /help: the list of the platform's documentation (docs/*.md), each readable in the dashboard.
import { DOCS } from '#lib/docs.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ docs: DOCS.map(({ slug, title }) => ({ slug, title })) });
