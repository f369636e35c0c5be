// Vite + SvelteKit 3 config: SvelteKit 3 takes its options here (it no longer reads svelte.config.js).
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build' }),
      // SvelteKit's origin check needs the origin at build time (paths.origin); ours reads ORIGIN at run time
      // instead, in src/lib/origin.server.ts, called from hooks.server.ts.
      csrf: { trustedOrigins: ['*'] },
    }),
  ],
});
