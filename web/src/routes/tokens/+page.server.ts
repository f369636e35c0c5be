// /tokens: the user's personal API tokens (scopes, expiry, last use), the create form and revocation. A new token's
// secret is returned by the create action only, so the page shows it once and never again.
import { redirect } from '@sveltejs/kit';
import { TOKEN_SCOPES, type TokenScope } from '#domain/api-token.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { createToken, listTokens, revokeToken } from '#lib/api/tokens.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  return { tokens: await listTokens(event) };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const scopes = form.getAll('scopes').map(String).filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
    const values = { name: String(form.get('name') ?? ''), expiresInDays: String(form.get('expiresInDays') ?? ''), scopes: scopes.join(',') };
    const days = Number(values.expiresInDays);
    if (!Number.isInteger(days)) return failField('expiresInDays', 'must be a whole number of days', values);
    try {
      return { created: await createToken(event, { name: values.name, scopes, expiresInDays: days }) };
    } catch (error) {
      return failFromApi(error, values);
    }
  },
  revoke: async (event) => {
    const id = String((await event.request.formData()).get('id') ?? '');
    try {
      await revokeToken(event, id);
      return { revoked: id };
    } catch (error) {
      return failFromApi(error, {});
    }
  },
};
