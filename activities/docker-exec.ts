// A command run in a running container (`docker exec`), read to its end: a detached start would leave its connection to
// the engine open (one per call, and a worker that could not exit), and only a finished exec has an exit code.
import type Docker from 'dockerode';
import { dockerLogText } from './docker-logs.js';

/** Runs `cmd` in the container as `user`; its standard output (text) and exit code. */
export async function execInContainer(container: Docker.Container, cmd: string[], user: string): Promise<{ stdout: string; exitCode: number | null }> {
  const exec = await container.exec({ Cmd: cmd, User: user, AttachStdout: true, AttachStderr: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', resolve).on('close', resolve).on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  return { stdout: dockerLogText(Buffer.concat(chunks)), exitCode: ExitCode };
}
