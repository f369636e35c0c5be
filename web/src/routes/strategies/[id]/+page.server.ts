// /strategies/[id]: one strategy version: its facts and content, the other versions of the same name, and the user's
// bots that run it.
import { error } from '@sveltejs/kit';
import { listBots } from '#lib/api/bots.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { contentText, getStrategy, listStrategies } from '#lib/api/strategies.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    const { content, ...strategy } = await getStrategy(event, event.params.id);
    const [all, bots] = await Promise.all([listStrategies(event), listBots(event)]);
    return {
      strategy,
      content: contentText(content),
      versions: all.filter((s) => s.name === strategy.name && s.engine === strategy.engine),
      bots: bots.filter((b) => b.strategyVersionId === strategy.id).map((b) => ({ id: b.id, name: b.name, status: b.status })),
    };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'No such strategy version.');
    throw e;
  }
};
