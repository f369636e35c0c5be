// /api/openapi.json (the OpenAPI 3.1 document) and /api/docs (Scalar's interactive reference, its script served from
// node_modules: the page works without reaching any CDN).
import { createRequire } from 'node:module';
import { apiReference } from '@scalar/express-api-reference';
import { Router } from 'express';
import { requireScope } from '../auth/scopes.js';
import { openApiDocument } from '../openapi/document.js';

const scalarScript = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');

export function openApiRouter(): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/openapi.json', requireScope('public'), (_req, res) => {
    res.json(document);
  });
  router.get('/docs', requireScope('public'), apiReference({ url: '/api/openapi.json', cdn: '/api/docs/scalar.js', withDefaultFonts: false, pageTitle: 'tradefleet API' }));
  router.get('/docs/scalar.js', requireScope('public'), (_req, res) => {
    res.sendFile(scalarScript, { maxAge: '1d' });
  });
  return router;
}
