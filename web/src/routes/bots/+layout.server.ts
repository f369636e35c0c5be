// Everything under /bots needs a session; it also knows how this installation runs bots (Docker or processes).
import { redirect } from '@sveltejs/kit';
import { getSystem } from '#lib/api/bots.server.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  return { system: await getSystem(event) };
};
