// Sign-in: the form action (the API checks credentials and rate limits; its session cookie is relayed to the browser),
// and the button of the OpenID Connect provider when one is configured, with the reason a provider sign-in was refused.
import { redirect } from '@sveltejs/kit';
import { oidcFailureMessage, oidcProvider, signIn } from '#lib/api/auth.server.ts';
import { credentialsAction } from '#lib/api/auth-action.server.ts';
import type { Actions, PageServerLoad } from './$types';

/** Only paths on this site: an open redirect would let a link send users elsewhere after sign-in. */
const safeNext = (value: unknown): string =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/bots';

export const load: PageServerLoad = async (event) => {
  const { url } = event;
  const { user } = await event.parent();
  if (user) redirect(303, safeNext(url.searchParams.get('next')));
  return { next: url.searchParams.get('next') ?? '', provider: await oidcProvider(event), oidcError: oidcFailureMessage(url) };
};

export const actions: Actions = {
  default: credentialsAction(signIn, (form) => safeNext(form.get('next'))),
};
