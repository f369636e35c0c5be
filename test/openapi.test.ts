// The OpenAPI document: every route express serves is in it with the scope the route enforces, and real answers of the
// API validate against the document's response schemas; /api/docs works without any CDN.
import Ajv2020 from 'ajv/dist/2020.js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../server/openapi/operations.js';
import { servedRoutes } from './express-routes.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: object };

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  const res = await request(platform.app).get('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

/** Fails unless the answer's status is documented for the operation and its JSON body matches that schema. */
function expectDocumented(res: request.Response, method: string, path: string): void {
  const responses = doc.paths[path]?.[method]?.responses;
  expect(responses, `${method} ${path} is not in the document`).toBeDefined();
  const response = responses![String(res.status)];
  expect(response, `${method} ${path} answered ${res.status}, which the document does not list`).toBeDefined();
  const schema = response!.content?.['application/json']?.schema;
  if (!schema) return;
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
  ajv.addSchema({ ...doc, $id: 'doc' });
  const validate = ajv.compile({ $ref: `doc#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${res.status}/content/application~1json/schema` });
  expect(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`).toBe(true);
}

describe('OpenAPI document', () => {
  it('lists every route express serves, with the scope the route enforces, and nothing it does not serve', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = servedRoutes(platform.app).filter((r) => r.path.startsWith('/api'));
    expect(served.length).toBeGreaterThan(40);
    const documented = new Map(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op.scope]));
    for (const route of served) {
      const key = `${route.method} ${route.path}`;
      expect(documented.has(key), `${key} is served but not documented`).toBe(true);
      expect(route.scope, `${key} declares no scope`).not.toBeNull();
      expect(route.scope, `${key}: documented scope differs from the enforced one`).toBe(documented.get(key));
      expect(doc.paths[route.path]?.[route.method], `${key} missing from /api/openapi.json`).toBeDefined();
    }
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    for (const key of documented.keys()) expect(servedKeys.has(key), `${key} is documented but not served`).toBe(true);
  });

  it('describes both auth schemes, the error envelope, SSE streams and Idempotency-Key', () => {
    const text = JSON.stringify(doc);
    expect(doc.components).toMatchObject({ securitySchemes: { cookieAuth: { in: 'cookie' }, bearerAuth: { scheme: 'bearer' } }, schemas: { Error: {} } });
    expect(doc.paths['/api/bots']!.post).toMatchObject({ security: [{ cookieAuth: [] }, { bearerAuth: ['trade'] }], parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }] });
    expect(doc.paths['/api/bots/events']!.get!.responses['200']!.content).toHaveProperty('text/event-stream');
    expect(text).toContain('insufficient_scope');
  });

  it('validates real answers against the documented response schemas', async () => {
    const user = await signedUpAgent(platform.app);
    const api = request(platform.app);
    const check = async (method: string, path: string, call: Promise<request.Response>, status: number) => {
      const res = await call;
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      expectDocumented(res, method, path);
    };
    await check('get', '/api/auth/me', user.agent.get('/api/auth/me'), 200);
    await check('get', '/api/health', api.get('/api/health'), 200);
    await check('get', '/api/system', api.get('/api/system'), 200);
    await check('get', '/api/bots', user.agent.get('/api/bots'), 200);
    await check('get', '/api/strategies', user.agent.get('/api/strategies'), 200);
    await check('get', '/api/exchange-accounts', user.agent.get('/api/exchange-accounts'), 200);
    await check('get', '/api/portfolio', user.agent.get('/api/portfolio'), 200);
    await check('get', '/api/portfolio/history', user.agent.get('/api/portfolio/history'), 200);
    await check('get', '/api/guards', user.agent.get('/api/guards'), 200);
    await check('post', '/api/tokens', user.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'doc check', scopes: ['read'] }), 201);
    await check('get', '/api/tokens', user.agent.get('/api/tokens'), 200);
    await check('get', '/api/auth/identities', user.agent.get('/api/auth/identities'), 200);
    await check('get', '/api/auth/oidc/provider', api.get('/api/auth/oidc/provider'), 200);
    const secret = (await user.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'reader', scopes: ['read'] })).body.token.secret as string;
    await check('post', '/api/bots', api.post('/api/bots').set('Authorization', `Bearer ${secret}`).send({ name: 'x', pairs: ['BTC/USDT'], stakeAmount: 1 }), 403);
    await check('post', '/api/bots', user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'x', pairs: [], stakeAmount: 1 }), 400);
    await check('get', '/api/bots', api.get('/api/bots'), 401);
    await check('get', '/api/bots/{id}', user.agent.get('/api/bots/3f2e0b7c-9a51-4c1e-8d7e-1b2c3d4e5f60'), 404);
  });

  it('serves the interactive reference with its script from this server, not a CDN', async () => {
    const page = await request(platform.app).get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/openapi.json');
    expect(page.text).toContain('src="/api/docs/scalar.js"');
    expect(page.text).not.toMatch(/https:\/\/cdn\./);
    const script = await request(platform.app).get('/api/docs/scalar.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });
});
