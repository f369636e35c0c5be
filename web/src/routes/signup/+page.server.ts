// Sign-up form action: the API creates the account and signs the user in (session cookie relayed).
import { redirect } from '@sveltejs/kit';
import { signUp } from '#lib/api/auth.server.ts';
import { credentialsAction } from '#lib/api/auth-action.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
  const { user } = await parent();
  if (user) redirect(303, '/bots');
};

export const actions: Actions = {
  default: credentialsAction(signUp, () => '/bots'),
};
