// /strategies: the strategy store (bundled and own immutable versions) and the upload form; a FreqTrade file is
// checked by the platform in a sandbox before it is saved, and its problem comes back under the content field.
import { redirect } from '@sveltejs/kit';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { contentText, getStrategy, listStrategies, uploadStrategy } from '#lib/api/strategies.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  // `?from=<id>`: the upload form starts from that version's content (its page's "Copy as a new version").
  const from = event.url.searchParams.get('from');
  const copy = from
    ? await getStrategy(event, from).then(
        (s) => ({ engine: s.engine, content: contentText(s.content), name: s.name }),
        (e: unknown) => {
          if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
          throw e;
        },
      )
    : null;
  return { strategies: await listStrategies(event), copy };
};

export const actions: Actions = {
  upload: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    const pasted = String(form.get('content') ?? '');
    const content = file instanceof File && file.size > 0 ? await file.text() : pasted;
    const values = { engine: form.get('engine') === 'freqtrade' ? 'freqtrade' : 'builtin', note: String(form.get('note') ?? ''), content: pasted };
    if (!content.trim()) return failField('content', 'choose a file or paste the strategy', values);
    // A JSON document sent as Python fails inside FreqTrade with a NameError; say what is wrong instead.
    if (values.engine === 'freqtrade' && content.trim().startsWith('{')) {
      return failField('engine', 'this is a JSON strategy document: pick Builtin, or paste a FreqTrade Python file', values);
    }
    try {
      const version = await uploadStrategy(event, { engine: values.engine as 'builtin' | 'freqtrade', content, note: values.note });
      return { uploaded: version };
    } catch (error) {
      return failFromApi(error, values);
    }
  },
};
