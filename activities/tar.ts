// Small ustar archives, for handing config files (and the folders holding them) to a container through Docker's archive API,
// and reading or trimming the archives it hands back.
const block = 512;

export interface TarEntry {
  /** Path inside the archive, relative; folders end without a slash. */
  name: string;
  /** File content (text is written as UTF-8); absent for a folder (or a link). */
  content?: string | Buffer;
  /** Makes the entry a symbolic link to this target, or with `hard`, a hard link to this entry of the archive. */
  link?: { target: string; hard?: boolean };
  uid: number;
  gid: number;
  mode: number;
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(block);
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'ascii');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
  const isDir = entry.content === undefined && !entry.link;
  put(isDir ? `${entry.name}/` : entry.name, 0, 100);
  if (entry.link) put(entry.link.target, 157, 100);
  put(octal(entry.mode, 8), 100, 8);
  put(octal(entry.uid, 8), 108, 8);
  put(octal(entry.gid, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put(entry.link ? (entry.link.hard ? '1' : '2') : isDir ? '5' : '0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.name.length > 99) throw new Error(`tar entry name too long: ${entry.name}`);
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content ?? '', 'utf8');
    parts.push(header(entry, data.length), data, Buffer.alloc((block - (data.length % block)) % block));
  }
  return Buffer.concat([...parts, Buffer.alloc(block * 2)]);
}

export function singleFileTar(name: string, content: string, options: { uid: number; gid: number; mode: number }): Buffer {
  return tarArchive([{ name, content, ...options }]);
}

/** The content of the first regular file in a tar archive (what Docker's getArchive returns for one file); null if none. */
export function readTarFile(archive: Buffer): Buffer | null {
  for (let offset = 0; offset + block <= archive.length; ) {
    const h = archive.subarray(offset, offset + block);
    if (h.every((b) => b === 0)) return null;
    const size = parseInt(h.toString('ascii', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 0);
    const start = offset + block;
    if (type === '0' || type === '\0') return archive.subarray(start, start + size);
    offset = start + Math.ceil(size / block) * block;
  }
  return null;
}

/** Reads a stream (a Docker archive) to its end. */
export async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

interface TarSpan {
  name: string;
  /** The entry's type flag: '0' (or NUL) a file, '5' a folder, '2' a symbolic link, ... */
  type: string;
  /** A link's target (as the header holds it). */
  linkName: string;
  /** Byte range of the entry, its extension headers (long name, PAX) included. */
  start: number;
  end: number;
}

/** The entries of a tar archive as Docker's archive API writes it (ustar, GNU long names, PAX paths). */
export function tarEntries(archive: Buffer): TarSpan[] {
  const spans: TarSpan[] = [];
  let longName: string | null = null;
  let longLink: string | null = null;
  let start = 0;
  for (let o = 0; o + 512 <= archive.length;) {
    const header = archive.subarray(o, o + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0[^]*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const body = archive.subarray(o + 512, o + 512 + size);
    const next = o + 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = body.toString('utf8').replace(/\0[^]*$/, '');
    else if (type === 'K') longLink = body.toString('utf8').replace(/\0[^]*$/, '');
    else if (type === 'x') {
      const pax = body.toString('utf8');
      longName = /\d+ path=([^\n]*)\n/.exec(pax)?.[1] ?? longName;
      longLink = /\d+ linkpath=([^\n]*)\n/.exec(pax)?.[1] ?? longLink;
    } else if (type !== 'g') {
      // Only POSIX ustar has a name prefix there (GNU's old format keeps times in those bytes).
      const posix = header.subarray(257, 263).toString('ascii') === 'ustar\0';
      const prefix = posix ? header.subarray(345, 500).toString('utf8').replace(/\0[^]*$/, '') : '';
      const plain = header.subarray(0, 100).toString('utf8').replace(/\0[^]*$/, '');
      const linkName = longLink ?? header.subarray(157, 257).toString('utf8').replace(/\0[^]*$/, '');
      spans.push({ name: (longName ?? (prefix ? `${prefix}/${plain}` : plain)).replace(/\/$/, ''), type, linkName, start, end: next });
      longName = null;
      longLink = null;
      start = next;
    }
    if (type === 'g') start = next;
    o = next;
  }
  return spans;
}

/** The archive without the entries `drop` names (what is left ends with tar's two zero blocks). */
export function tarWithout(archive: Buffer, drop: (name: string) => boolean): Buffer {
  const kept = tarEntries(archive).filter((e) => !drop(e.name)).map((e) => archive.subarray(e.start, e.end));
  return Buffer.concat([...kept, Buffer.alloc(1024)]);
}

/**
 * Whether every entry of the archive stays inside folder `dir` when unpacked: named under it, no `..` step, and no entry
 * below a link the same archive makes (unpacking would follow that link out of the folder).
 */
export function tarStaysIn(archive: Buffer, dir: string): boolean {
  const links: string[] = [];
  for (const { name, type, linkName } of tarEntries(archive)) {
    if (name !== dir && !name.startsWith(`${dir}/`)) return false;
    if (name.split('/').some((step) => step === '..' || step === '')) return false;
    if (links.some((link) => name.startsWith(`${link}/`))) return false;
    // A hard link is made to a file the unpacking names: it must be one of this folder's.
    if (type === '1' && (!linkName.startsWith(`${dir}/`) || linkName.split('/').includes('..'))) return false;
    if (type === '2' || type === '1') links.push(name);
  }
  return true;
}
