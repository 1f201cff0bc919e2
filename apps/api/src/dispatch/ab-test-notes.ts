import type { CampaignRun } from '@lcm/database';
import { RunNote, runNote } from './run-note';

// Apart from the decider's service so the budget gate can use them without importing it (and what it imports).

/** Why the figures are missing when LINE could not be read: how many tries, and what LINE last answered. */
export type ReadFailure = { attempts: number; lastError: string };

/**
 * The note on a remainder decided without figures: LINE's statistics could not be read (how often,
 * and what LINE last answered), and what the undecided rule then did.
 */
export function abLineUnavailableNote(unread: ReadFailure, undecided: string, outcome: string): RunNote {
  const then =
    outcome === 'variant_a'
      ? 'variant A goes to the rest'
      : outcome === 'wait'
        ? 'it waits once more and then decides again'
        : 'the rest gets nothing';
  return runNote(
    'ab_test',
    'note.ab_test.line_unavailable',
    { attempts: unread.attempts, lastError: unread.lastError, undecided, outcome },
    `A/B test: LINE's statistics could not be read (${unread.attempts} attempts, the last: ${unread.lastError}), ` +
      `so no winner could be told; by the undecided rule "${undecided}" ${then}.`,
  );
}

/** That note, from a remainder's stored decision, for its gate to keep on the run (none when LINE was read). */
export function abDecisionNotes(run: Pick<CampaignRun, 'abDecision'>): RunNote[] {
  const decision = run.abDecision as { lineUnavailable?: ReadFailure | null; outcome?: string } | null;
  const undecided = (decision as { undecided?: string } | null)?.undecided;
  return decision?.lineUnavailable
    ? [abLineUnavailableNote(decision.lineUnavailable, undecided ?? '', decision.outcome ?? '')]
    : [];
}
