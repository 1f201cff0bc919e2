/**
 * One thing wrong with a request, in LINE's own error-detail shape: `property` is the JSON path
 * LINE would name (`messages[0].template.actions[1].label`), `message` says what is wrong.
 */
export interface LineMessageProblem {
  property: string;
  message: string;
}

/** LINE's 400 body: `{message, details: [{message, property}]}`. */
export interface LineErrorBody {
  message: string;
  details?: LineMessageProblem[];
}

/** The body LINE answers a request with when its body has problems (400 Bad Request). */
export function lineBadRequestBody(problems: readonly LineMessageProblem[]): LineErrorBody {
  return {
    message: `The request body has ${problems.length} error(s)`,
    details: problems.map((problem) => ({ message: problem.message, property: problem.property })),
  };
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while walking a message tree; keeps the walk's code free of bookkeeping. */
export class ProblemList {
  readonly items: LineMessageProblem[] = [];

  add(property: string, message: string): void {
    this.items.push({ property, message });
  }
}

/** `messages[0]` + `text` → `messages[0].text`; array indexes are appended as `[i]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
