// The risk guard's messages (`risk:<riskId>`), apart from its code so the API and tests import them lightly.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RiskBook, RiskGuard, RiskRules, RiskState } from '../domain/risk.js';

export interface RiskWorkflowState {
  state: RiskState | 'new';
  rules: RiskRules | null;
  book: RiskBook | null;
  lastEquity: number | null;
  trippedReason: string | null;
  checks: number;
}

export interface RiskWorkflowInput {
  riskId: string;
  userId: string;
  carried?: RiskWorkflowState;
}

export const createRiskGuard = defineUpdate<RiskGuard, [spec: unknown]>('createRiskGuard');
export const editRiskGuard = defineUpdate<RiskWorkflowState, [rules: unknown]>('editRiskGuard');
export const resumeRiskGuard = defineUpdate<RiskWorkflowState>('resumeRiskGuard');
/** Cancels the risk guard; `reason` (when the platform ends it, e.g. its bot was deleted) is kept on the guard. */
export const cancelRiskGuard = defineUpdate<RiskWorkflowState, [reason: string | null]>('cancelRiskGuard');
export const riskState = defineQuery<RiskWorkflowState>('riskState');
