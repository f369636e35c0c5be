// Ambient SvelteKit types: what hooks put on `locals` for loads and actions.
import type { User } from '#lib/types.ts';

declare global {
  namespace App {
    interface Locals {
      /** `set-cookie` headers the API sent to server-side calls; hooks.server.ts relays them verbatim to the browser. */
      apiSetCookies: string[];
    }
    interface PageData {
      user?: User | null;
    }
  }
}

export {};
