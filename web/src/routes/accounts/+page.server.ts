// /accounts: the user's exchange accounts; the add form's action sends the key to the API, which checks it first.
import { redirect } from '@sveltejs/kit';
import { createAccount, listAccounts } from '#lib/api/exchange-accounts.server.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  return { accounts: await listAccounts(event) };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    // Only what is safe to send back into the page: key, secret and passphrase are never echoed.
    const values = { exchangeId: text('exchangeId').trim() || 'paper', label: text('label'), syncIntervalSeconds: text('syncIntervalSeconds').trim() };
    const syncIntervalSeconds = values.syncIntervalSeconds === '' ? undefined : Number(values.syncIntervalSeconds);
    if (syncIntervalSeconds !== undefined && !Number.isInteger(syncIntervalSeconds)) {
      return failField('syncIntervalSeconds', 'must be a whole number of seconds, e.g. 60', values);
    }
    const passphrase = text('passphrase');
    let id: string;
    try {
      const account = await createAccount(event, {
        exchangeId: values.exchangeId,
        label: values.label,
        apiKey: text('apiKey'),
        secret: text('secret'),
        ...(passphrase ? { passphrase } : {}),
        ...(syncIntervalSeconds === undefined ? {} : { syncIntervalSeconds }),
      });
      id = account.id;
    } catch (error) {
      return failFromApi(error, values);
    }
    redirect(303, `/accounts/${id}`);
  },
};
