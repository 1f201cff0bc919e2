import type { DestinationStream } from 'pino';

/** The app's log lines, kept in memory instead of written to stdout. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  text(): string {
    return this.lines.join('');
  }
}

/** Values shorter than this are too common to search for (the fixtures' channel secret is "secret"). */
const MIN_SECRET_LENGTH = 12;

/**
 * Which of `secrets` (label → value) occur in the captured lines, as "label on line N" (never the
 * value itself, so the failure doesn't leak it either).
 */
export function leakedSecrets(capture: LogCapture, secrets: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [label, value] of secrets) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const line = capture.lines.findIndex((text) => text.includes(value));
    if (line >= 0) found.push(`${label} on log line ${line + 1}`);
  }
  return found;
}
