// A one-file ustar archive, for handing a config file to a container through Docker's archive API.
const block = 512;

function header(name: string, size: number, options: { uid: number; gid: number; mode: number }): Buffer {
  const h = Buffer.alloc(block);
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'ascii');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(options.mode, 8), 100, 8);
  put(octal(options.uid, 8), 108, 8);
  put(octal(options.gid, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

export function singleFileTar(name: string, content: string, options: { uid: number; gid: number; mode: number }): Buffer {
  const data = Buffer.from(content, 'utf8');
  const padding = Buffer.alloc((block - (data.length % block)) % block);
  return Buffer.concat([header(name, data.length, options), data, padding, Buffer.alloc(block * 2)]);
}
