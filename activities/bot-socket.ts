// Connecting to a bot's API socket without following what the bot put there. A bot's socket directory is writable by
// its container's user, so a bot could replace its API socket with a symlink to another bot's socket (which would get
// this bot's credentials) or to a host socket the platform's process may open. So the platform looks at the path itself
// (lstat, never following a link) and connects only to a socket file.
import fs from 'node:fs/promises';
import net from 'node:net';

export class NotASocketError extends Error {}

/** Throws unless `socketPath` is itself a Unix socket (not a link to one, not a file or directory). */
export async function assertBotSocket(socketPath: string): Promise<void> {
  const stat = await fs.lstat(socketPath);
  if (stat.isSymbolicLink()) throw new NotASocketError(`${socketPath} is a link, not the bot's socket: refused`);
  if (!stat.isSocket()) throw new NotASocketError(`${socketPath} is not a socket: refused`);
}

/**
 * A connection to the bot's socket, made only after the check above. A link swapped in between the check and the
 * connect is not caught here; in a FreqTrade pool the bots cannot reach the socket directory at all (their sandbox
 * hides it), and a dedicated container's bot can only point at paths it can name, which its own mount namespace does
 * not share with the host.
 */
export async function connectBotSocket(socketPath: string): Promise<net.Socket> {
  await assertBotSocket(socketPath);
  return net.connect(socketPath);
}
