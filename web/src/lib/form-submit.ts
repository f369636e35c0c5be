// The `use:enhance` of the dashboard's forms: what was typed stays after an answer (a refused value is corrected, not
// typed again), and the form knows while it is on its way, to disable its button.
import type { SubmitFunction } from '$app/forms';

/** Calls `setPending(true)` when the form is sent and `setPending(false)` once the page shows the action's answer. */
export const submitKeepingValues =
  (setPending: (pending: boolean) => void): SubmitFunction =>
  () => {
    setPending(true);
    return async ({ update }) => {
      await update({ reset: false });
      setPending(false);
    };
  };
