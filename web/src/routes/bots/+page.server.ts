// /bots: the user's bots, newest first; the page keeps them live through the SSE feed.
import { listBots } from '#lib/api/bots.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  return { bots: await listBots(event) };
};
