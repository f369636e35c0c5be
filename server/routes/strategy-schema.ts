// /api/strategies/builtin.schema.json: the JSON Schema of a builtin strategy document, public (editors fetch it by
// URL) and mounted before /api/strategies, whose routes need a signed-in user.
import { Router } from 'express';
import { STRATEGY_SCHEMA_PATH, strategyJsonSchema } from '../../domain/strategy-json-schema.js';
import { requireScope } from '../auth/scopes.js';

export function strategySchemaRouter(): Router {
  const router = Router();
  const schema = strategyJsonSchema();
  router.get(STRATEGY_SCHEMA_PATH.replace(/^\/api/, ''), requireScope('public'), (_req, res) => {
    res.type('application/schema+json').json(schema);
  });
  return router;
}
