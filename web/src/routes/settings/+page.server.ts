// /settings: the signed-in user's account: a password change (the API ends every other session).
import { redirect } from '@sveltejs/kit';
import { changePassword } from '#lib/api/auth.server.ts';
import { failFromApi } from '#lib/api/form-failure.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  return {};
};

export const actions: Actions = {
  password: async (event) => {
    const form = await event.request.formData();
    const input = { currentPassword: String(form.get('currentPassword') ?? ''), newPassword: String(form.get('newPassword') ?? '') };
    try {
      await changePassword(event, input);
      return { changed: true };
    } catch (error) {
      // Passwords are never sent back to the page.
      return failFromApi(error, {});
    }
  },
};
