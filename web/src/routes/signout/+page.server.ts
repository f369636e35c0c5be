// Sign-out: a POST from the header's form; the API clears the session cookie, which is relayed to the browser.
import { redirect } from '@sveltejs/kit';
import { signOut } from '#lib/api/auth.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    await signOut(event);
    redirect(303, '/signin');
  },
};
