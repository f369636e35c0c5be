// Builds the OpenAPI 3.1 document from the operation list: JSON Schema from zod (z.toJSONSchema), the error envelope,
// both ways to authenticate (session cookie, bearer token with its scope), SSE streams and `Idempotency-Key`.
import { z } from 'zod';
import { TOKEN_SCOPE_HELP } from '../../domain/api-token.js';
import { OPERATIONS, type Operation } from './operations.js';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
};

const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string().describe('machine-readable: invalid_input, unauthenticated, token_expired, insufficient_scope, session_required, forbidden, not_found, conflict, rate_limited, …'),
    message: z.string().describe('what happened and what to do; never a secret'),
    field: z.string().optional().describe('the request field it names, e.g. `pairs.0`'),
  }),
});

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const ERRORS: Record<string, string> = {
  '400': 'A bad value (`field` names it) or a body that is not JSON; nothing changed',
  '401': 'No session and no token, or an unknown, revoked or expired token (`token_expired`)',
  '403': 'A token without the scope this route needs (`insufficient_scope`, the message names it), a token on a session-only route (`session_required`), a foreign origin, or a non-operator on an operator route',
  '404': 'Does not exist, or belongs to someone else',
  '409': 'The resource cannot take this command now; the message says why',
  '429': 'Rate-limited; `Retry-After` says when to try again',
};

function security(scope: Operation['scope']): Json[] {
  if (scope === 'public') return [];
  if (scope === 'session') return [{ cookieAuth: [] }];
  return [{ cookieAuth: [] }, { bearerAuth: [scope] }];
}

function describeScope(scope: Operation['scope']): string {
  if (scope === 'public') return 'No authentication.';
  if (scope === 'session') return 'A browser session only: API tokens get 403 `session_required`.';
  return `Needs a session, or a token with the \`${scope}\` scope (403 \`insufficient_scope\` otherwise).`;
}

function responseOf(op: Operation): Json {
  const ok = op.ok;
  if ('schema' in ok) return { description: 'Success', content: { 'application/json': { schema: schemaOf(ok.schema, 'output') } } };
  if ('sse' in ok) return { description: `Server-Sent Events: ${ok.sse}. Sends a comment every 15 s to keep the connection open.`, content: { 'text/event-stream': { schema: { type: 'string' } } } };
  if ('media' in ok) return { description: 'Success', content: { [ok.media]: { schema: { type: 'string' } } } };
  if ('redirect' in ok) return { description: `Redirect ${ok.redirect}`, headers: { Location: { schema: { type: 'string' } } } };
  return { description: 'Done; no body' };
}

function parametersOf(op: Operation): Json[] {
  const params: Json[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (op.query) {
    const query = schemaOf(op.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) params.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  if (op.idempotent) params.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if ('sse' in op.ok) params.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' }, description: 'Resume numbering after a reconnect' });
  return params;
}

function operationOf(op: Operation): Json {
  const responses: Json = { [String(op.ok.status)]: responseOf(op) };
  for (const [status, description] of Object.entries(ERRORS)) {
    if (op.scope === 'public' && (status === '401' || status === '403')) continue;
    responses[status] = errorResponse(description);
  }
  return {
    operationId: `${op.method}${op.path.replace(/^\/api/, '').replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    description: describeScope(op.scope),
    'x-required-scope': op.scope,
    security: security(op.scope),
    ...(parametersOf(op).length ? { parameters: parametersOf(op) } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } } } : {}),
    responses,
  };
}

/** The whole document; `serverUrl` is where the API answers (the document lists paths with their `/api` prefix). */
export function openApiDocument(serverUrl = '/'): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationOf(op);
  const scopes = Object.entries(TOKEN_SCOPE_HELP).map(([s, help]) => `\`${s}\`: ${help}`).join('; ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'tradefleet API',
      version: '1',
      description: `Everything the dashboard does, for scripts too. Authenticate with the dashboard's session cookie or a personal API token (\`Authorization: Bearer tf_…\`, created on the dashboard's Tokens page). Token scopes: ${scopes}. Errors are always \`{ error: { code, message, field? } }\`.`,
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorEnvelope, 'output') },
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'tf_session', description: 'The dashboard session; state-changing requests must carry the dashboard\'s Origin' },
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'tf_…', description: `A personal API token; the scope each operation needs is listed in its security requirement. ${scopes}` },
      },
      parameters: {
        IdempotencyKey: { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'A retried request with the same key creates one resource, not two' },
      },
    },
  };
}
