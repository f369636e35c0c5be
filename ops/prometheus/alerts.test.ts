// The alert rules as tested code: promtool checks and unit-tests ops/prometheus/alerts.yml, and every alert has a
// summary, a runbook line, and at least one test case where it fires and one where it does not.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const dir = path.dirname(new URL(import.meta.url).pathname);
const PROMTOOL = process.env['PROMTOOL'] ?? '/usr/bin/promtool';

interface Rule { alert?: string; expr: string; annotations?: Record<string, string> }
interface Case { alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }

const rules = (parse(fs.readFileSync(path.join(dir, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const cases = (parse(fs.readFileSync(path.join(dir, 'alerts.test.yml'), 'utf8')) as { tests: Case[] }).tests.flatMap((t) => t.alert_rule_test ?? []);

describe('alert rules (ops/prometheus/alerts.yml)', () => {
  it('pass promtool check rules and every promtool unit test', async () => {
    const check = await run(PROMTOOL, ['check', 'rules', 'alerts.yml'], { cwd: dir });
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
    const tested = await run(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], { cwd: dir }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`promtool test rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    expect(tested.stdout).toMatch(/SUCCESS/);
  });

  it('each alert has a summary and a runbook line, and is tested firing and not firing', () => {
    const alerts = rules.filter((r) => r.alert).map((r) => r.alert!);
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules.filter((r) => r.alert)) {
      expect(rule.annotations?.['summary'], `${rule.alert} has no summary`).toBeTruthy();
      expect(rule.annotations?.['runbook'], `${rule.alert} has no runbook`).toMatch(/docs\/observability\.md#/);
      const own = cases.filter((c) => c.alertname === rule.alert);
      expect(own.some((c) => (c.exp_alerts ?? []).length > 0), `${rule.alert} is never tested firing`).toBe(true);
      expect(own.some((c) => (c.exp_alerts ?? []).length === 0), `${rule.alert} is never tested silent`).toBe(true);
    }
  });
});
