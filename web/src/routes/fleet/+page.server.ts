// /fleet: every bot of the user side by side (FreqUI's multi-bot view), from the platform's trade ledger.
import { redirect } from '@sveltejs/kit';
import { listFleet } from '#lib/api/fleet.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  event.depends('app:fleet');
  return { bots: await listFleet(event), at: new Date().toISOString() };
};
