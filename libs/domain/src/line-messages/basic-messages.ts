import { validateAction } from './actions';
import { checkArray, checkEnum, checkHttpsUrl, checkNumber, checkObject, checkString } from './field-checks';
import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';

export const TEXT_MAX_LENGTH = 5000;
export const TEXT_MAX_EMOJIS = 20;

export function validateTextMessage(message: JsonObject, path: string, problems: ProblemList): void {
  const text = checkString(message, 'text', path, problems, { required: true, max: TEXT_MAX_LENGTH });
  checkString(message, 'quoteToken', path, problems);
  const emojis = checkArray(message, 'emojis', path, problems, { max: TEXT_MAX_EMOJIS });
  emojis?.forEach((emoji, index) => {
    const emojiPath = childPath(childPath(path, 'emojis'), index);
    if (!isJsonObject(emoji)) {
      problems.add(emojiPath, 'must be an object');
      return;
    }
    const at = checkNumber(emoji, 'index', emojiPath, problems, { required: true, integer: true, min: 0 });
    checkString(emoji, 'productId', emojiPath, problems, { required: true });
    checkString(emoji, 'emojiId', emojiPath, problems, { required: true });
    // Each LINE emoji replaces a `$` placeholder in the text at the given index.
    if (text !== undefined && at !== undefined && text[at] !== '$')
      problems.add(childPath(emojiPath, 'index'), 'must point at a $ character in text');
  });
}

const SUBSTITUTION_KEY = /^[a-zA-Z0-9_]{1,20}$/;

/** Text message v2: `{placeholder}`s in text are replaced by mentions or emojis from `substitution`. */
export function validateTextV2Message(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'text', path, problems, { required: true, max: TEXT_MAX_LENGTH });
  checkString(message, 'quoteToken', path, problems);
  const substitution = checkObject(message, 'substitution', path, problems);
  if (!substitution) return;
  const substitutionPath = childPath(path, 'substitution');
  for (const [key, value] of Object.entries(substitution)) {
    const entryPath = childPath(substitutionPath, key);
    if (!SUBSTITUTION_KEY.test(key)) problems.add(entryPath, 'key must be 1 to 20 letters, digits or underscores');
    if (!isJsonObject(value)) {
      problems.add(entryPath, 'must be an object');
      continue;
    }
    const type = checkEnum(value, 'type', entryPath, problems, ['mention', 'emoji'], true);
    if (type === 'emoji') {
      checkString(value, 'productId', entryPath, problems, { required: true });
      checkString(value, 'emojiId', entryPath, problems, { required: true });
    } else if (type === 'mention') {
      const mentionee = checkObject(value, 'mentionee', entryPath, problems, true);
      if (mentionee) {
        const mentioneePath = childPath(entryPath, 'mentionee');
        const target = checkEnum(mentionee, 'type', mentioneePath, problems, ['user', 'all'], true);
        if (target === 'user') checkString(mentionee, 'userId', mentioneePath, problems, { required: true });
      }
    }
  }
}

export function validateStickerMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'packageId', path, problems, { required: true });
  checkString(message, 'stickerId', path, problems, { required: true });
  checkString(message, 'quoteToken', path, problems);
}

export function validateImageMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkHttpsUrl(message, 'originalContentUrl', path, problems, { required: true });
  checkHttpsUrl(message, 'previewImageUrl', path, problems, { required: true });
}

export function validateVideoMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkHttpsUrl(message, 'originalContentUrl', path, problems, { required: true });
  checkHttpsUrl(message, 'previewImageUrl', path, problems, { required: true });
  checkString(message, 'trackingId', path, problems, { max: 100 });
}

export function validateAudioMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkHttpsUrl(message, 'originalContentUrl', path, problems, { required: true });
  checkNumber(message, 'duration', path, problems, { required: true, integer: true, min: 1 });
}

export function validateLocationMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'title', path, problems, { required: true, max: 100 });
  checkString(message, 'address', path, problems, { required: true, max: 100 });
  checkNumber(message, 'latitude', path, problems, { required: true, min: -90, max: 90 });
  checkNumber(message, 'longitude', path, problems, { required: true, min: -180, max: 180 });
}

export function validateCouponMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'couponId', path, problems, { required: true });
  checkString(message, 'deliveryTag', path, problems, { max: 30 });
}

/** Properties every message type may carry: quick reply buttons and a custom sender. */
export function validateCommonProperties(message: JsonObject, path: string, problems: ProblemList): void {
  const quickReply = checkObject(message, 'quickReply', path, problems);
  if (quickReply) {
    const quickReplyPath = childPath(path, 'quickReply');
    const items = checkArray(quickReply, 'items', quickReplyPath, problems, { required: true, min: 1, max: 13 });
    items?.forEach((item, index) => {
      const itemPath = childPath(childPath(quickReplyPath, 'items'), index);
      if (!isJsonObject(item)) {
        problems.add(itemPath, 'must be an object');
        return;
      }
      checkEnum(item, 'type', itemPath, problems, ['action'], true);
      checkHttpsUrl(item, 'imageUrl', itemPath, problems, { max: 2000 });
      validateAction(item.action, childPath(itemPath, 'action'), 'quick_reply', problems);
    });
  }
  const sender = checkObject(message, 'sender', path, problems);
  if (sender) {
    const senderPath = childPath(path, 'sender');
    checkString(sender, 'name', senderPath, problems, { max: 20 });
    checkHttpsUrl(sender, 'iconUrl', senderPath, problems, { max: 2000 });
  }
}
