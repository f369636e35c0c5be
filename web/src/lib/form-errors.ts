// Splits an action failure into the message for the field it names and a message for the form as a whole.
import type { FormFailure } from '#lib/types.ts';

export interface FormErrors {
  /** Top-level field the error names (`pairs` for `pairs.2`), when the form has that field. */
  field: string | null;
  /** Index inside an array field (`2` for `pairs.2`). */
  index: number | null;
  message: string | null;
  /** The error when it names no field of this form. */
  formMessage: string | null;
}

export function formErrors(failure: FormFailure | null | undefined, fields: readonly string[]): FormErrors {
  const error = failure?.error;
  if (!error) return { field: null, index: null, message: null, formMessage: null };
  const [head, index] = (error.field ?? '').split('.');
  if (head && fields.includes(head)) {
    const i = Number(index);
    return { field: head, index: index !== undefined && Number.isInteger(i) ? i : null, message: error.message, formMessage: null };
  }
  return { field: null, index: null, message: null, formMessage: error.message };
}
