// The dashboard forms' `use:enhance`: what was typed stays after an answer, and the form knows while it is on its way.
import type { SubmitFunction } from '$app/forms';

/**
 * Calls `setPending(true)` when the form is sent and `setPending(false)` once the page shows the action's answer. The
 * inputs keep their values (`reset: false`): after a refusal the user corrects one field instead of typing all again.
 */
export const submitKeepingValues =
  (setPending: (pending: boolean) => void): SubmitFunction =>
  () => {
    setPending(true);
    return async ({ update }) => {
      await update({ reset: false });
      setPending(false);
    };
  };
