import {
  AUDIENCE_RULE_LIMITS as LIMITS,
  AudienceResolver,
  AudienceRule,
  AudienceRuleError,
  assertNever,
} from './rule.types';

/**
 * Replaces every `audience` node by the referenced audience's rule, recursively, so that the
 * evaluator and the compiler see the same self-contained tree. Refuses (AudienceRuleError) an
 * unknown audience, a cycle (even though the service checks for them on save), and a result
 * larger than the expansion limits, which would make an unreasonably large SQL statement.
 */
export function inlineAudienceReferences(rule: AudienceRule, resolveAudience?: AudienceResolver): AudienceRule {
  let nodes = 0;
  const chain: string[] = [];

  const expand = (node: AudienceRule, depth: number): AudienceRule => {
    nodes += 1;
    if (nodes > LIMITS.maxExpandedNodes || depth > LIMITS.maxExpandedDepth) {
      throw new AudienceRuleError(
        'rule_too_large',
        `the rule with its referenced audiences is too large (at most ${LIMITS.maxExpandedNodes} nodes and ${LIMITS.maxExpandedDepth} levels)`,
        [...chain],
      );
    }
    if ('all' in node) return { all: node.all.map((child) => expand(child, depth + 1)) };
    if ('any' in node) return { any: node.any.map((child) => expand(child, depth + 1)) };
    if ('not' in node) return { not: expand(node.not, depth + 1) };
    if ('audience' in node) {
      const id = node.audience;
      if (chain.includes(id)) {
        throw new AudienceRuleError(
          'audience_cycle',
          `audience references form a cycle: ${[...chain, id].join(' → ')}`,
          [...chain, id],
        );
      }
      const referenced = resolveAudience?.(id);
      if (referenced === undefined)
        throw new AudienceRuleError('unknown_audience', `audience ${id} does not exist`, [...chain, id]);
      chain.push(id);
      // The inlined rule takes the reference's place: one level, not two.
      const inlined = expand(referenced, depth);
      chain.pop();
      return inlined;
    }
    if (
      'tag' in node ||
      'attribute' in node ||
      'followedWithinDays' in node ||
      'interactedWithinDays' in node ||
      'list' in node ||
      'tappedPostback' in node
    ) {
      return node;
    }
    return assertNever(node);
  };
  return expand(rule, 1);
}
