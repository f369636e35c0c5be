// Everything under /accounts needs a session.
import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
};
