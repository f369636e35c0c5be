// The operator's migration page in Chromium: start a run from the form, watch the progress bars reach verification,
// read the quarantine, acknowledge it and approve the cutover; the run ends done.
import { describe, expect, it } from 'vitest';
import { signedInContext, useBrowserTest } from './browser-support.js';
import { startMigrationHarness } from './migration-support.js';

const t = useBrowserTest({
  async start(origins) {
    const h = await startMigrationHarness({ trades: 2_000, seed: 5, origins });
    h.startWorker();
    return h;
  },
  setupTimeoutMs: 180_000,
});

describe('migration dashboard page', () => {
  it('starts a run, shows its progress and quarantine, and approves the cutover', async () => {
    const context = await signedInContext(t.browser, t.dashboard.url, t.started.operator.cookie);
    const page = await context.newPage();
    await page.goto(`${t.dashboard.url}/operator/migrations`);
    await expect(page.getByTestId('data-source').textContent()).resolves.toContain('the legacy MongoDB');
    await page.getByTestId('migration-start').click();
    await page.waitForURL(/\/operator\/migrations\/[0-9a-f-]{36}$/, { timeout: 30_000 });

    // The page refreshes itself while the run works: wait for the approval form that verification opens.
    await page.getByTestId('approve-form').waitFor({ timeout: 180_000 });
    const rows = page.locator('[data-testid^="collection-"]');
    expect(await rows.count()).toBe(7);
    expect(await page.locator('[data-testid="collection-trades"] progress').getAttribute('value')).toBe('1');
    expect(await page.getByTestId('collection-trades').textContent()).toContain('done');
    const quarantine = await page.getByTestId('migration-quarantine').textContent();
    expect(quarantine).toContain('openRate: is missing');

    // Approval needs the quarantine acknowledged first.
    await expect(page.getByTestId('migration-approve').isDisabled()).resolves.toBe(true);
    await page.locator('input[name="acceptQuarantined"]').check();
    await page.getByTestId('migration-approve').click();
    await page.locator('[data-testid="migration-phase"][data-status="done"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('dual-write').textContent()).toBe('off');
    await context.close();
  }, 300_000);
});
