import type { ReasonDetail } from '@lcm/domain/forecast';

/** A note the gate leaves on a run: it blocks nothing and clears nothing. */
export interface RunNote {
  code: string;
  message: string;
  clearedBy: null;
  /** The note as a code with its figures, for a client to word in its own language (as block reasons). */
  details: ReasonDetail[];
}

/** A note whose English is `message`, with the one detail the console words it from. */
export function runNote(code: string, detailCode: string, params: ReasonDetail['params'], message: string): RunNote {
  return { code, message, clearedBy: null, details: [{ code: detailCode, params, text: message }] };
}
