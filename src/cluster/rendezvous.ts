/** A 32-bit FNV-1a hash of `text`, then mixed (murmur3's finaliser) so near keys spread. */
function score(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Rendezvous (highest random weight) hashing: the instance a server belongs to is the one with
 * the highest score for (server, instance). Every instance computes the same answer from the same
 * list of live instances, and when one joins or leaves only the servers it wins or held move
 * (about 1/n of them), not the whole fleet.
 */
export function ownerOf(serverId: string, instances: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const id of instances) {
    const s = score(`${serverId}\u0000${id}`);
    if (s > bestScore || (s === bestScore && best !== undefined && id < best)) {
      best = id;
      bestScore = s;
    }
  }
  return best;
}
