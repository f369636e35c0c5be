// Everything under /guards needs a session; the pages name bots and exchange accounts, so they load both.
import { redirect } from '@sveltejs/kit';
import { listBots } from '#lib/api/bots.server.ts';
import { listAccounts } from '#lib/api/exchange-accounts.server.ts';
import type { GuardNames } from '#lib/guard-view.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  const [bots, accounts] = await Promise.all([listBots(event), listAccounts(event)]);
  const names: GuardNames = {
    bots: Object.fromEntries(bots.map((b) => [b.id, b.name])),
    accounts: Object.fromEntries(accounts.map((a) => [a.id, a.label])),
  };
  return { bots, accounts, names };
};
