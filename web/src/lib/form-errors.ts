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

export interface PathErrors {
  /** The input the error lands on: the one it names, or the first input under the path it names. */
  field: string | null;
  message: string | null;
  /** The error when it names no input of this form. */
  formMessage: string | null;
}

/**
 * For forms whose inputs are named by the API's field paths (`trail.trailPct`, `takeProfit.targets.1.price`): the error
 * goes to the input it names, or to the first input under the path it names (`trail` → `trail.trailPct`).
 */
export function pathErrors(failure: FormFailure | null | undefined, fields: readonly string[]): PathErrors {
  const error = failure?.error;
  if (!error) return { field: null, message: null, formMessage: null };
  const path = error.field ?? '';
  const field = path === '' ? undefined : (fields.find((f) => f === path) ?? fields.find((f) => f.startsWith(`${path}.`)));
  if (field) return { field, message: error.message, formMessage: null };
  return { field: null, message: null, formMessage: error.message };
}
