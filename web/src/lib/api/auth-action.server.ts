// The sign-in and sign-up form actions: read the credentials, call the API (whose session cookie is relayed to the
// browser), and either redirect or hand the failure back to the form with the email kept.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { Credentials } from './auth.server.ts';
import { failFromApi } from './form-failure.server.ts';

/** A default form action that calls `authenticate` and then redirects (303) to `destination(form)`. */
export const credentialsAction =
  (authenticate: (event: RequestEvent, credentials: Credentials) => Promise<unknown>, destination: (form: FormData) => string) =>
  async (event: RequestEvent) => {
    const form = await event.request.formData();
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    try {
      await authenticate(event, { email, password });
    } catch (error) {
      return failFromApi(error, { email });
    }
    redirect(303, destination(form));
  };
