/**
 * Postback actions a campaign carries, so taps can be told apart per campaign and per button
 * (docs/domain.md, "Engagement"). The data LINE posts back is `lcm:<campaign id>:<label>`, at most
 * 73 characters (LINE allows 300). A marketer writes `lcm:<label>`; saving the campaign names it.
 */
export const CAMPAIGN_POSTBACK_PREFIX = 'lcm:';

/** A tap's label: what the rule `tappedPostback.label` matches. */
export const POSTBACK_LABEL_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LABEL_PROBLEM = `must be "${CAMPAIGN_POSTBACK_PREFIX}<label>" with a label of 1 to 32 letters, digits, "_" or "-"`;

export interface CampaignPostback {
  campaignId: string;
  label: string;
}

export function campaignPostbackData(campaignId: string, label: string): string {
  if (!UUID.test(campaignId)) throw new RangeError(`not a campaign id: ${campaignId}`);
  if (!POSTBACK_LABEL_PATTERN.test(label)) throw new RangeError(`not a postback label: ${label}`);
  return `${CAMPAIGN_POSTBACK_PREFIX}${campaignId}:${label}`;
}

/** The campaign and label of postback data this service wrote; null for anything else. */
export function parseCampaignPostback(data: unknown): CampaignPostback | null {
  if (typeof data !== 'string' || !data.startsWith(CAMPAIGN_POSTBACK_PREFIX)) return null;
  const [campaignId, label, ...rest] = data.slice(CAMPAIGN_POSTBACK_PREFIX.length).split(':');
  if (rest.length || label === undefined || !UUID.test(campaignId) || !POSTBACK_LABEL_PATTERN.test(label)) return null;
  return { campaignId, label };
}

/** The label of `lcm:` data as written (`lcm:<label>`, or the full form naming any campaign); null if malformed. */
function labelOf(data: string): string | null {
  const rest = data.slice(CAMPAIGN_POSTBACK_PREFIX.length);
  if (POSTBACK_LABEL_PATTERN.test(rest)) return rest;
  return parseCampaignPostback(data)?.label ?? null;
}

export interface PostbackProblem {
  property: string;
  message: string;
}

/** Every postback action in the messages whose data starts with `lcm:` but isn't a well-formed one. */
export function campaignPostbackProblems(messages: unknown, pathPrefix = 'messages'): PostbackProblem[] {
  const problems: PostbackProblem[] = [];
  walkPostbacks(messages, pathPrefix, (action, path) => {
    if (labelOf(action.data) === null) problems.push({ property: `${path}.data`, message: LABEL_PROBLEM });
  });
  return problems;
}

/**
 * A copy of the messages in which every `lcm:` postback names this campaign (`lcm:<label>` and
 * data copied from another campaign alike), so a tap can only count for the campaign it was sent in.
 */
export function bindCampaignPostbacks<T>(messages: T, campaignId: string): T {
  const copy = structuredClone(messages);
  walkPostbacks(copy, '', (action) => {
    const label = labelOf(action.data);
    if (label !== null) action.data = campaignPostbackData(campaignId, label);
  });
  return copy;
}

/** Every postback action (`{type: "postback", data}`) anywhere in the messages: templates, flex, quick replies. */
function walkPostbacks(
  value: unknown,
  path: string,
  visit: (action: { type: 'postback'; data: string }, path: string) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkPostbacks(item, `${path}[${index}]`, visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (record.type === 'postback' && typeof record.data === 'string' && record.data.startsWith(CAMPAIGN_POSTBACK_PREFIX))
    visit(record as { type: 'postback'; data: string }, path);
  for (const [key, child] of Object.entries(record)) walkPostbacks(child, path ? `${path}.${key}` : key, visit);
}
