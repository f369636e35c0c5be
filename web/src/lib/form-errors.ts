// Splits an action failure into the messages for the fields it names (every one the API listed) and a message for the
// form as a whole.
import type { FormFailure } from '#lib/types.ts';

/** Every field error of a failure: the API's `fields` when it listed several, else its one `field`. */
function listed(failure: FormFailure | null | undefined): Array<{ field: string; message: string }> {
  const error = failure?.error;
  if (!error) return [];
  if (error.fields?.length) return error.fields;
  return [{ field: error.field ?? '', message: error.message }];
}

export interface FieldProblem {
  /** Top-level field (`pairs` for `pairs.2`). */
  field: string;
  /** Index inside an array field (`2` for `pairs.2`). */
  index: number | null;
  /** The whole path the API named (`content.exit.op`). */
  path: string;
  message: string;
}

export interface FormErrors {
  /** The first problem's field, when the form has that field. */
  field: string | null;
  index: number | null;
  message: string | null;
  /** Every problem on a field of this form, in the API's order. */
  problems: FieldProblem[];
  /** Messages that name no field of this form, joined. */
  formMessage: string | null;
}

export function formErrors(failure: FormFailure | null | undefined, fields: readonly string[]): FormErrors {
  const problems: FieldProblem[] = [];
  const other: string[] = [];
  for (const { field, message } of listed(failure)) {
    const [head, index] = field.split('.');
    if (head && fields.includes(head)) {
      const i = Number(index);
      problems.push({ field: head, index: index !== undefined && Number.isInteger(i) ? i : null, path: field, message });
    } else other.push(field ? `${field}: ${message}` : message);
  }
  const first = problems[0];
  return { field: first?.field ?? null, index: first?.index ?? null, message: first?.message ?? null, problems, formMessage: other.length ? other.join(' · ') : null };
}

/** The message for `field`, the first when several name it; null when none does. */
export const messageOf = (errors: Pick<FormErrors, 'problems'>, field: string): string | null =>
  errors.problems.find((p) => p.field === field)?.message ?? null;

/**
 * Every message on a field that holds a document (a strategy's JSON), each led by the path inside it the API named:
 * "exit.op: must be one of …; stoploss: must be negative".
 */
export function documentMessages(errors: Pick<FormErrors, 'problems'>, field: string): string | null {
  const lines = errors.problems.filter((p) => p.field === field).map((p) => {
    const inner = p.path.slice(field.length + 1);
    return inner ? `${inner}: ${p.message}` : p.message;
  });
  return lines.length ? lines.join('; ') : null;
}

export interface PathErrors {
  /** The input the first error lands on: the one it names, or the first input under the path it names. */
  field: string | null;
  message: string | null;
  /** Every error by the input it lands on (the first error for an input wins). */
  messages: Record<string, string>;
  /** Errors that name no input of this form, joined. */
  formMessage: string | null;
}

/**
 * For forms whose inputs are named by the API's field paths (`trail.trailPct`, `takeProfit.targets.1.price`): each error
 * goes to the input it names, or to the first input under the path it names (`trail` → `trail.trailPct`).
 */
export function pathErrors(failure: FormFailure | null | undefined, fields: readonly string[]): PathErrors {
  const messages: Record<string, string> = {};
  const other: string[] = [];
  let first: { field: string; message: string } | null = null;
  for (const { field: path, message } of listed(failure)) {
    const field = path === '' ? undefined : (fields.find((f) => f === path) ?? fields.find((f) => f.startsWith(`${path}.`)));
    if (!field) {
      other.push(path ? `${path}: ${message}` : message);
      continue;
    }
    first ??= { field, message };
    messages[field] ??= message;
  }
  return { field: first?.field ?? null, message: first?.message ?? null, messages, formMessage: other.length ? other.join(' · ') : null };
}
