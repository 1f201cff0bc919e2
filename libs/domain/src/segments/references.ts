import { AudienceResolver, AudienceRule, assertNever } from './rule.types';

/** Ids of the audiences a rule references directly, each once, in order of first appearance. */
export function referencedAudienceIds(rule: AudienceRule): string[] {
  const ids = new Set<string>();
  collectReferences(rule, ids);
  return [...ids];
}

function collectReferences(rule: AudienceRule, ids: Set<string>): void {
  if ('all' in rule) rule.all.forEach((child) => collectReferences(child, ids));
  else if ('any' in rule) rule.any.forEach((child) => collectReferences(child, ids));
  else if ('not' in rule) collectReferences(rule.not, ids);
  else if ('audience' in rule) ids.add(rule.audience);
  else if (
    'tag' in rule ||
    'attribute' in rule ||
    'followedWithinDays' in rule ||
    'interactedWithinDays' in rule ||
    'list' in rule ||
    'tappedPostback' in rule
  )
    return;
  else assertNever(rule);
}

/** Each `audience` node of a (valid) rule with its path in the validator's notation (`definition.all[1].audience`). */
export function audienceReferencePaths(rule: AudienceRule, path: string): { id: string; path: string }[] {
  if ('all' in rule) return rule.all.flatMap((child, index) => audienceReferencePaths(child, `${path}.all[${index}]`));
  if ('any' in rule) return rule.any.flatMap((child, index) => audienceReferencePaths(child, `${path}.any[${index}]`));
  if ('not' in rule) return audienceReferencePaths(rule.not, `${path}.not`);
  if ('audience' in rule) return [{ id: rule.audience, path: `${path}.audience` }];
  return [];
}

/** Each `tappedPostback` node of a (valid) rule with the path of its campaign (`definition.any[0].tappedPostback.campaign`). */
export function tappedCampaignPaths(rule: AudienceRule, path: string): { id: string; path: string }[] {
  if ('all' in rule) return rule.all.flatMap((child, index) => tappedCampaignPaths(child, `${path}.all[${index}]`));
  if ('any' in rule) return rule.any.flatMap((child, index) => tappedCampaignPaths(child, `${path}.any[${index}]`));
  if ('not' in rule) return tappedCampaignPaths(rule.not, `${path}.not`);
  if ('tappedPostback' in rule) return [{ id: rule.tappedPostback.campaign, path: `${path}.tappedPostback.campaign` }];
  return [];
}

/**
 * Looks for a cycle of audience references reachable from `rootId`, where `resolve(id)` gives an
 * audience's rule (for an update: the new rule for `rootId`). Returns the chain of ids from the root
 * whose last id already appears earlier in it (a → b → a gives ["a", "b", "a"]; a → a gives
 * ["a", "a"]), or null when there is none. Ids that resolve to nothing are skipped: whether every
 * reference exists is a separate check.
 */
export function findAudienceCycle(rootId: string, resolve: AudienceResolver): string[] | null {
  const finished = new Set<string>(); // fully explored: no cycle below them
  const chain: string[] = [];
  const onChain = new Set<string>();

  const visit = (id: string): string[] | null => {
    if (onChain.has(id)) return [...chain, id];
    if (finished.has(id)) return null;
    const rule = resolve(id);
    if (rule === undefined) return null;
    chain.push(id);
    onChain.add(id);
    for (const next of referencedAudienceIds(rule)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    chain.pop();
    onChain.delete(id);
    finished.add(id);
    return null;
  };
  return visit(rootId);
}
