// Seed data every installation needs: the bundled strategies (idempotent: identified by content hash).
import { randomUUID } from 'node:crypto';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { BUNDLED_BUILTIN_STRATEGIES } from '../domain/bundled-strategies.js';
import { parseStrategy } from '../domain/strategy.js';
import { canonicalJson, contentHash, type StrategyVersion } from '../domain/strategy-version.js';
import type { Db } from './pool.js';
import { insertStrategyVersion } from './strategies.js';

export function bundledBuiltin(index: number): { name: string; content: string; hash: string } {
  const parsed = parseStrategy(BUNDLED_BUILTIN_STRATEGIES[index]);
  if (!parsed.success) throw new Error(`bundled strategy ${index} is invalid: ${parsed.issues.join('; ')}`);
  const content = canonicalJson(parsed.data);
  return { name: parsed.data.name, content, hash: contentHash('builtin', content) };
}

/** A bundled FreqTrade strategy as stored: its class name is the version's name, its Python source the content. */
export function bundledFreqtrade(index: number): { name: string; content: string; hash: string } {
  const bundled = BUNDLED_FREQTRADE_STRATEGIES[index];
  if (!bundled) throw new Error(`there is no bundled FreqTrade strategy ${index}`);
  return { name: bundled.className, content: bundled.source, hash: contentHash('freqtrade', bundled.source) };
}

export async function seedBundledStrategies(db: Db): Promise<StrategyVersion[]> {
  const saved: StrategyVersion[] = [];
  for (let i = 0; i < BUNDLED_BUILTIN_STRATEGIES.length; i++) {
    const { name, content, hash } = bundledBuiltin(i);
    saved.push(
      await insertStrategyVersion(db, { id: randomUUID(), userId: null, name, engine: 'builtin', content, contentHash: hash, author: 'tradefleet', note: 'bundled with tradefleet' }),
    );
  }
  for (let i = 0; i < BUNDLED_FREQTRADE_STRATEGIES.length; i++) {
    const { name, content, hash } = bundledFreqtrade(i);
    saved.push(
      await insertStrategyVersion(db, { id: randomUUID(), userId: null, name, engine: 'freqtrade', content, contentHash: hash, author: 'tradefleet', note: 'bundled with tradefleet' }),
    );
  }
  return saved;
}
