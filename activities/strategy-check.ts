// The upload check of a FreqTrade strategy: the user's Python runs only in a throwaway container with no network, no
// capability, a read-only root, tight limits and a short deadline; FreqTrade loads the file there and names its class.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { freqtradeImage } from '../domain/freqtrade-config.js';
import { dockerLogText } from './docker-logs.js';
import { hardenedHostConfig } from './container-hardening.js';
import { tarArchive } from './tar.js';

export interface StrategyCheckOptions {
  /** The FreqTrade release whose image runs the check. */
  version: string;
  timeoutMs?: number;
  memoryMb?: number;
}

export interface StrategyCheckInput {
  userId: string;
  content: string;
}

export type StrategyCheckResult = { ok: true; className: string; timeframe: string } | { ok: false; problem: string };

const CHECK_SCRIPT = readFileSync(new URL('../freqtrade/check_strategy.py', import.meta.url), 'utf8');
const CHECKER_UID = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createStrategyCheckActivities(docker: Docker | null, options: StrategyCheckOptions) {
  const timeoutMs = options.timeoutMs ?? 45_000;

  return {
    async checkFreqtradeStrategy(input: StrategyCheckInput): Promise<StrategyCheckResult> {
      if (!docker) {
        throw ApplicationFailure.nonRetryable('FreqTrade strategies are checked in a container, and this worker has no Docker engine', 'NoDocker');
      }
      const container = await docker.createContainer({
        name: `tf-strategy-check-${randomUUID()}`,
        Image: freqtradeImage(options.version),
        Labels: { 'tradefleet.strategy-check': 'true', 'tradefleet.user': input.userId, 'tradefleet.managed': 'true' },
        // The venv's python beside the entry point (ours in /opt/freqtrade, or the public image's).
        Entrypoint: ['sh', '-c', 'exec "$(dirname "$(readlink -f "$(command -v tf-freqtrade)")")/python" /check/check_strategy.py'],
        User: `${CHECKER_UID}:${CHECKER_UID}`,
        Volumes: { '/check': {} },
        NetworkDisabled: true,
        HostConfig: hardenedHostConfig(
          { memoryMb: options.memoryMb ?? 512, cpus: 1, pidsLimit: 64, tmpMb: 32 },
          { RestartPolicy: { Name: 'no' }, LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } } },
        ),
      }).catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404) {
          throw ApplicationFailure.nonRetryable(`image ${freqtradeImage(options.version)} is missing; run the setup (npm start) to build it`, 'ImageMissing');
        }
        throw error;
      });
      try {
        const readOnly = { uid: CHECKER_UID, gid: CHECKER_UID, mode: 0o400 };
        await container.putArchive(
          tarArchive([
            { name: 'check_strategy.py', content: CHECK_SCRIPT, ...readOnly },
            { name: 'strategy.py', content: input.content, ...readOnly },
          ]),
          { path: '/check' },
        );
        await container.start();
        const finished = await Promise.race([container.wait().then(() => true), sleep(timeoutMs).then(() => false)]);
        if (!finished) {
          return { ok: false, problem: `loading the file took longer than ${Math.round(timeoutMs / 1000)} s (does it loop or block at import?)` };
        }
        const output = dockerLogText((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer);
        const line = output.split('\n').find((l) => l.startsWith('TF-CHECK '));
        if (!line) {
          const info = await container.inspect();
          if (info.State.OOMKilled) return { ok: false, problem: 'loading the file used more memory than the check allows' };
          return { ok: false, problem: `FreqTrade could not load the file (exit code ${info.State.ExitCode})` };
        }
        return JSON.parse(line.slice('TF-CHECK '.length)) as StrategyCheckResult;
      } finally {
        await container.remove({ force: true, v: true }).catch(() => undefined);
      }
    },
  };
}

export type StrategyCheckActivities = ReturnType<typeof createStrategyCheckActivities>;
