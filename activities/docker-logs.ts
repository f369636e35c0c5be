// Docker's log stream of a container without a TTY: frames of [stream, 0, 0, 0, size (4 bytes BE)] + payload, joined as text.
export function dockerLogText(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset]!;
    const size = raw.readUInt32BE(offset + 4);
    // Not a multiplexed stream (a TTY container): the bytes are the text.
    if (stream > 2 || raw[offset + 1] !== 0) return raw.toString('utf8');
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
