// Environment variables the dashboard reads at start (besides adapter-node's own PORT and HOST).
import { defineEnvVars } from '@sveltejs/kit/env';

export const variables = defineEnvVars({
  API_URL: {
    description: 'Base URL of the tradefleet express API; every /api/ request and server-side call goes there.',
    schema: (value) => {
      const url = value || 'http://127.0.0.1:3001';
      if (!URL.canParse(url)) throw new Error(`API_URL must be an absolute URL such as http://127.0.0.1:3001 (got "${url}")`);
      return url.replace(/\/+$/, '');
    },
  },
  ORIGIN: {
    description:
      'The URL users open the dashboard at (e.g. http://127.0.0.1:3000). Optional: without it the origin is taken from the request. ' +
      'Form posts from other origins are refused, and this is the Origin the API sees on server-side calls.',
    schema: (value) => {
      if (!value) return '';
      if (!URL.canParse(value)) throw new Error(`ORIGIN must be a URL such as http://127.0.0.1:3000 (got "${value}")`);
      return new URL(value).origin;
    },
  },
});
