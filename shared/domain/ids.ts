/** FNV-1a 32-bit: a tiny, stable content hash for deterministic ids (not for security). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Stable shard for an id, used to spread hot index partitions. */
export function shardOf(id: string, shards: number): number {
  return parseInt(fnv1a(id), 16) % shards;
}
