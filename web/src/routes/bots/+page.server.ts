// /bots: the user's bots, newest first; the page keeps them live through the SSE feed. After a delete it shows, once,
// what the delete did (exited trades, ended guards).
import { listBots } from '#lib/api/bots.server.ts';
import { DELETED_FLASH } from '#lib/api/bot-delete.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  const deleted = event.cookies.get(DELETED_FLASH) ?? null;
  if (deleted) event.cookies.delete(DELETED_FLASH, { path: '/bots' });
  return { bots: await listBots(event), deleted };
};
