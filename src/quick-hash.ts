// A fast 64-bit hash of a text (cyrb53's mixing, both halves kept), for telling texts apart
// where nobody gains by a collision: whether a stack file changed since up, the name of its
// entry in the run index. Not for anything that decides what runs from outside input (the
// YAML cache keys on SHA-256). node:crypto would cost every command that only compares
// (down, status, logs) 2-3 ms of start-up to load.
export function quickHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
