import { ANCHOR_ENTITY, type AnchorContent } from '#domain/audit/anchor.ts';
import { verifyChain, type ChainBreak, type ChainedEntry } from '#domain/audit/chain.ts';
import type { AuditChainReader, StoredChainEntry } from '#ports/audit.ts';

export interface AuditVerification {
  chains: number;
  entries: number;
  anchors: number;
  /** Chain heads listed by the anchors and found as anchored. */
  anchoredHeads: number;
  /** Every break found, the first (by chain, then position) first. Empty: the trail is intact. */
  breaks: ChainBreak[];
}

const entityKey = (type: string, id: string) => `${type}:${id}`;

function splitEntity(entity: string): { entityType: string; entityId: string } {
  const at = entity.indexOf(':');
  return { entityType: entity.slice(0, at), entityId: entity.slice(at + 1) };
}

/**
 * Walks every chain (the registry's and every one an anchor names, so a chain removed from the
 * registry is still walked) and checks each anchor's heads against them. Reads only.
 */
export async function verifyAuditTrail(deps: { audit: AuditChainReader }, progress?: (entity: string, entries: number) => void): Promise<AuditVerification> {
  const anchorKey = entityKey(ANCHOR_ENTITY.entityType, ANCHOR_ENTITY.entityId);
  const anchorChain = await deps.audit.readChain(ANCHOR_ENTITY.entityType, ANCHOR_ENTITY.entityId);
  const entities = new Set<string>([anchorKey]);
  for (const { entityType, entityId } of await deps.audit.listChains()) entities.add(entityKey(entityType, entityId));
  for (const anchor of anchorChain) for (const head of (anchor.after as AnchorContent | null)?.heads ?? []) entities.add(head.entity);

  const breaks: ChainBreak[] = [];
  const chains = new Map<string, StoredChainEntry[]>();
  let entries = 0;
  for (const entity of [...entities].sort()) {
    const { entityType, entityId } = splitEntity(entity);
    const stored = entity === anchorKey ? anchorChain : await deps.audit.readChain(entityType, entityId);
    chains.set(entity, stored);
    entries += stored.length;
    progress?.(entity, stored.length);
    const broken = verifyChain(entity, stored as (ChainedEntry & { position: number })[]);
    if (broken) breaks.push(broken);
  }

  let anchoredHeads = 0;
  for (const anchor of anchorChain) {
    const content = anchor.after as AnchorContent | null;
    for (const head of content?.heads ?? []) {
      const found = chains.get(head.entity)?.find((e) => e.position === head.seq);
      if (!found) {
        const chain = chains.get(head.entity) ?? [];
        breaks.push({
          entity: head.entity,
          seq: head.seq,
          entryId: null,
          problem: chain.length === 0 ? 'removed' : 'truncated',
          detail: `the anchor of ${content?.day} lists entry ${head.seq} as this chain's head, but ${chain.length === 0 ? 'the chain is gone' : `the chain ends at entry ${chain.at(-1)?.position}`}`,
        });
      } else if (found.hash !== head.hash) {
        breaks.push({ entity: head.entity, seq: head.seq, entryId: found.id, problem: 'edited', detail: `entry ${head.seq} differs from the one the anchor of ${content?.day} recorded` });
      } else {
        anchoredHeads++;
      }
    }
  }
  return { chains: entities.size, entries, anchors: anchorChain.length, anchoredHeads, breaks };
}
