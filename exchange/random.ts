// Seeded randomness: a string hash for seeds, a hash of integers for random access noise, and a small PRNG for sequences.

/** FNV-1a over a string: turns a seed and a symbol into a 32-bit integer. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** lowbias32: a full-avalanche 32-bit integer mixer. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes three integers (each within ±2^31) into one well-spread 32-bit value. */
export function hashInts(a: number, b: number, c: number): number {
  return mix32(mix32(mix32(a) ^ (b | 0)) ^ (c | 0));
}

/** Uniform in [0, 1) from hashed integers. */
export const uniformAt = (a: number, b: number, c: number): number => hashInts(a, b, c) / 4294967296;

/** mulberry32: a tiny deterministic PRNG; returns uniforms in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal from a PRNG (Box–Muller). */
export function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
