/** LINE user IDs: `U` and 32 lowercase hex digits (group IDs start with `C`, room IDs with `R`). */
export const LINE_USER_ID_PATTERN = /^U[0-9a-f]{32}$/;
const PUSH_TARGET_ID = /^[UCR][0-9a-f]{32}$/;

export function isLineUserId(value: unknown): value is string {
  return typeof value === 'string' && LINE_USER_ID_PATTERN.test(value);
}

/** A push can go to a user, a group chat or a multi-person chat. */
export function isLinePushTargetId(value: unknown): value is string {
  return typeof value === 'string' && PUSH_TARGET_ID.test(value);
}

/** Multicast takes at most 500 user IDs per request. */
export const MAX_MULTICAST_RECIPIENTS = 500;
