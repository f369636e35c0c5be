// Every page knows who is signed in (for the header); an unreachable API is reported, not a crash.
import { ApiError } from '#lib/api/http.server.ts';
import { me } from '#lib/api/auth.server.ts';
import type { User } from '#lib/types.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  try {
    return { user: await me(event), apiError: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { user: null as User | null, apiError: error.body.message };
  }
};
