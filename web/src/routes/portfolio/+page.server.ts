// /portfolio: the latest valuation and the value history for the chosen range; the page then follows the live stream.
import { redirect } from '@sveltejs/kit';
import { HistoryRange as HistoryRangeSchema } from '#domain/portfolio.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { getHistory, getValuation } from '#lib/api/portfolio.server.ts';
import type { HistoryRange } from '#lib/types.ts';
import type { PageServerLoad } from './$types';

const RANGES: readonly HistoryRange[] = HistoryRangeSchema.options;
const DEFAULT_RANGE: HistoryRange = '24h';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  const asked = event.url.searchParams.get('range');
  const range = RANGES.find((r) => r === asked) ?? DEFAULT_RANGE;
  // The page still works when the valuation cannot be computed now: the live stream fills it in once it can.
  const [valuation, points] = await Promise.all([
    getValuation(event).catch(unavailable),
    getHistory(event, range).catch(unavailable),
  ]);
  const failed = [valuation, points].find((r): r is ApiError => r instanceof ApiError);
  return {
    range,
    ranges: RANGES,
    valuation: valuation instanceof ApiError ? null : valuation,
    points: points instanceof ApiError ? [] : points,
    loadError: failed ? failed.body.message : null,
  };
};

/** An API error becomes a value the page shows; anything else (a redirect to sign-in, a bug) goes on up. */
function unavailable(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  throw error;
}
