// The data converter every Temporal client and worker of the platform uses: encrypted payloads and encrypted failure messages.
import { fileURLToPath } from 'node:url';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Loaded by path because the worker also bundles it into the workflow sandbox (see worker/bundle.ts). */
export const failureConverterPath = fileURLToPath(new URL(`./failure-converter${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url));

export const platformDataConverter = (codec: PayloadCodec): DataConverter => ({ payloadCodecs: [codec], failureConverterPath });
