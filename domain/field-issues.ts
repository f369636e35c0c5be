// A wrong input field as every layer names it (API, workflows, dashboard), and a schema check's issues as such fields.
// No dependencies, so the dashboard's server imports it too.

export interface FieldError {
  /** The input's path (`pairs.1`, `takeProfit.targets.0.price`); empty when the problem is the input as a whole. */
  field: string;
  message: string;
}

export type SchemaIssues = { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> };

/** Every issue of a failed schema check (zod's `error`) as field errors, one per field (its first issue). */
export function schemaIssues(error: SchemaIssues): FieldError[] {
  const seen = new Map<string, FieldError>();
  for (const issue of error.issues) {
    const field = issue.path.join('.');
    if (!seen.has(field)) seen.set(field, { field, message: issue.message });
  }
  return [...seen.values()];
}
