// How a failed call reads in a workflow's log line or a bot's last error: the activity's own message, not its wrapper's.

/** An activity's failure says only "activity failed"; its cause says what went wrong. */
export const messageOf = (error: unknown): string => {
  const e = error as { cause?: { message?: string }; message?: string };
  return e.cause?.message ?? e.message ?? String(error);
};
