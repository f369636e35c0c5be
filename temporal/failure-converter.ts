// The failure converter of every Temporal client and worker: error messages and stack traces go into a payload, so the codec encrypts them.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
