// `/` has no page of its own: signed-in users go to their bots, everyone else to sign-in.
import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
  const { user } = await parent();
  redirect(303, user ? '/bots' : '/signin');
};
