// /settings: the signed-in user's account: a password change (the API ends every other session), the browsers signed
// in (sign out another one), and the OpenID Connect providers linked to it (link one, unlink one while another way to
// sign in remains), and where notifications go besides the dashboard (a signed webhook, a Telegram chat).
import { redirect } from '@sveltejs/kit';
import { changePassword, endSession, listIdentities, listSessions, oidcFailureMessage, oidcProvider, unlinkIdentity } from '#lib/api/auth.server.ts';
import { failFromApi } from '#lib/api/form-failure.server.ts';
import { getChannels, saveChannels } from '#lib/api/notifications.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  const [identities, provider, sessions, channels] = await Promise.all([listIdentities(event), oidcProvider(event), listSessions(event), getChannels(event)]);
  return { identities, provider, sessions, channels, linked: event.url.searchParams.get('linked') === '1', oidcError: oidcFailureMessage(event.url) };
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
  endSession: async (event) => {
    const sessionId = String((await event.request.formData()).get('sessionId') ?? '');
    try {
      await endSession(event, sessionId);
      return { sessionEnded: true };
    } catch (error) {
      return failFromApi(error, { sessionId });
    }
  },
  channels: async (event) => {
    const form = await event.request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    const input = { webhookUrl: text('webhookUrl'), webhookSecret: text('webhookSecret'), telegramChatId: text('telegramChatId'), telegramToken: text('telegramToken') };
    try {
      await saveChannels(event, input);
      return { channelsSaved: true };
    } catch (error) {
      // Secrets are never sent back to the page.
      return failFromApi(error, { webhookUrl: input.webhookUrl, telegramChatId: input.telegramChatId });
    }
  },
  unlink: async (event) => {
    const id = String((await event.request.formData()).get('id') ?? '');
    try {
      await unlinkIdentity(event, id);
      return { unlinked: true };
    } catch (error) {
      return failFromApi(error, { id });
    }
  },
};
