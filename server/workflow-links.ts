// Where an API answer points for the workflow behind it: its id and its page in the Temporal UI, so a script that started
// or follows work through the API can open the run an operator would look at.
export interface WorkflowLink {
  workflowId: string;
  url: string;
}

export type WorkflowLinker = (workflowId: string, runId?: string | null) => WorkflowLink;

export function workflowLinker(temporalUiUrl: string, namespace: string): WorkflowLinker {
  return (workflowId, runId) => {
    const base = `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
    return { workflowId, url: runId ? `${base}/${runId}/history` : base };
  };
}
