// Each checkout runs the bot-host image it built: scripts/images.sh pins its content-hash tag in .data/bot-host-image
// and the test harness (like `npm start`) hands it to every platform as BOT_IMAGE, so another checkout retagging
// `latest` on the same Docker engine cannot swap the bot code under this one's tests.
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { expect, it } from 'vitest';
import { pinnedBotImageEnv, repoRoot } from '../scripts/services/paths.js';

it("runs this checkout's own bot-host image, by its content-hash tag", async () => {
  const pinned = fs.readFileSync(path.join(repoRoot, '.data', 'bot-host-image'), 'utf8').trim();
  expect(pinned).toMatch(/^tradefleet\/bot-host:[0-9a-f]{12}$/);
  expect(process.env.BOT_IMAGE).toBe(pinned);
  const image = await new Docker().getImage(pinned).inspect();
  expect(image.Config.Labels?.['tradefleet.content-hash']).toBe(pinned.split(':')[1]);
});

it('leaves a BOT_IMAGE the environment names alone', () => {
  expect(pinnedBotImageEnv({ BOT_IMAGE: 'registry.example/bot-host:1.2.3' })).toEqual({});
});
