// `npm run dashboards`: writes ops/grafana/dashboards/<uid>.json from ops/grafana/dashboards.ts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, grafanaJson } from './dashboards.js';

export const DASHBOARD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dashboards');
export const dashboardFile = (uid: string): string => path.join(DASHBOARD_DIR, `${uid}.json`);
export const dashboardText = (d: (typeof DASHBOARDS)[number]): string => `${JSON.stringify(grafanaJson(d), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.mkdirSync(DASHBOARD_DIR, { recursive: true });
  for (const d of DASHBOARDS) fs.writeFileSync(dashboardFile(d.uid), dashboardText(d));
  console.log(`wrote ${DASHBOARDS.length} dashboards to ${path.relative(process.cwd(), DASHBOARD_DIR)}`);
}
