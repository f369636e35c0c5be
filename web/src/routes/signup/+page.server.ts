// Sign-up form action: the API creates the account and signs the user in (session cookie relayed).
import { redirect } from '@sveltejs/kit';
import { signUp } from '#lib/api/auth.server.ts';
import { failFromApi } from '#lib/api/form-failure.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
  const { user } = await parent();
  if (user) redirect(303, '/bots');
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    try {
      await signUp(event, { email, password });
    } catch (error) {
      return failFromApi(error, { email });
    }
    redirect(303, '/bots');
  },
};
