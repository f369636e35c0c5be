// Small ustar archives, for handing config files (and the folders holding them) to a container through Docker's archive API.
const block = 512;

export interface TarEntry {
  /** Path inside the archive, relative; folders end without a slash. */
  name: string;
  /** File content; absent for a folder. */
  content?: string;
  uid: number;
  gid: number;
  mode: number;
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(block);
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'ascii');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
  const isDir = entry.content === undefined;
  put(isDir ? `${entry.name}/` : entry.name, 0, 100);
  put(octal(entry.mode, 8), 100, 8);
  put(octal(entry.uid, 8), 108, 8);
  put(octal(entry.gid, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put(isDir ? '5' : '0', 156, 1);
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
    const data = Buffer.from(entry.content ?? '', 'utf8');
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
