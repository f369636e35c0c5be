// /api/codec: Temporal's remote codec protocol (POST /encode, /decode) so the Temporal Web UI can show encrypted
// payloads; only for signed-in operators, with CORS for the UI's origin and cookies allowed.
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { loadApiToken } from '../auth/api-tokens.js';
import { loadSession, requireOperator } from '../auth/middleware.js';
import type { Sessions } from '../auth/sessions.js';
import { HttpError } from '../errors.js';

export interface CodecRouterDeps {
  db: Db;
  sessions: Sessions;
  codec: PayloadCodec;
  /** Origins whose pages may call the codec: the Temporal Web UI's. */
  corsOrigins: ReadonlySet<string>;
}

/** Payloads as proto3 JSON: bytes are base64 strings. */
const JsonPayload = z.object({ metadata: z.record(z.string(), z.string()).nullish(), data: z.string().nullish() });
export const JsonPayloads = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cors(origins: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // The UI's "Include cross-origin credentials" sends the session cookie; the browser needs this to allow it.
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    // Decoding reveals secrets: a page from any other origin gets nothing, even if the browser sent a cookie.
    if (origin && !origins.has(origin)) throw new HttpError(403, 'forbidden_origin', `the codec answers only the Temporal UI (origin ${origin} is not allowed)`);
    next();
  };
}

export function codecRouter(deps: CodecRouterDeps): Router {
  const router = Router();
  router.use(cors(deps.corsOrigins));
  router.use(loadApiToken(deps.db));
  router.use(loadSession(deps.sessions));
  router.use(requireOperator('decode Temporal payloads'));
  // Histories can carry large payloads; the rest of the API keeps its small limit.
  router.use(express.json({ limit: '8mb' }));

  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/${direction}`, async (req, res) => {
      const { payloads } = JsonPayloads.parse(req.body);
      let converted: Payload[];
      try {
        converted = await deps.codec[direction](payloads.map(fromJson));
      } catch (error) {
        throw new HttpError(400, 'codec_failed', `could not ${direction} the payloads: ${(error as Error).message}`);
      }
      res.json({ payloads: converted.map(toJson) });
    });
  }
  return router;
}
