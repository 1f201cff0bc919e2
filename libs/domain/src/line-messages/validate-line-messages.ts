import {
  validateAudioMessage,
  validateCommonProperties,
  validateCouponMessage,
  validateImageMessage,
  validateLocationMessage,
  validateStickerMessage,
  validateTextMessage,
  validateTextV2Message,
  validateVideoMessage,
} from './basic-messages';
import { MUST_BE_SPECIFIED } from './field-checks';
import { validateFlexMessage } from './flex-message';
import { validateImagemapMessage } from './imagemap-message';
import { childPath, isJsonObject, JsonObject, LineMessageProblem, ProblemList } from './problems';
import { validateTemplateMessage } from './template-message';

/** One Push request carries 1 to 5 message objects; a campaign may hold more and send them in several requests. */
export const MIN_MESSAGES_PER_REQUEST = 1;
export const MAX_MESSAGES_PER_REQUEST = 5;

type MessageValidator = (message: JsonObject, path: string, problems: ProblemList) => void;

const VALIDATORS: Record<string, MessageValidator> = {
  text: validateTextMessage,
  textV2: validateTextV2Message,
  sticker: validateStickerMessage,
  image: validateImageMessage,
  video: validateVideoMessage,
  audio: validateAudioMessage,
  location: validateLocationMessage,
  imagemap: validateImagemapMessage,
  template: validateTemplateMessage,
  flex: validateFlexMessage,
  coupon: validateCouponMessage,
};

export const LINE_MESSAGE_TYPES: readonly string[] = Object.keys(VALIDATORS);

export interface ValidateLineMessagesOptions {
  /** JSON path of the array, used to name each problem's property. Default `messages`. */
  pathPrefix?: string;
}

/**
 * Checks each message object against LINE's message-object rules and returns every problem found,
 * in document order; an empty list means LINE should accept the objects.
 *
 * It does not check how many objects there are: a request takes 1 to 5
 * (see {@link validateMessageCount}), while a campaign may hold more and need several requests.
 */
export function validateLineMessages(
  messages: unknown,
  options: ValidateLineMessagesOptions = {},
): LineMessageProblem[] {
  const prefix = options.pathPrefix ?? 'messages';
  const problems = new ProblemList();
  if (!Array.isArray(messages)) {
    problems.add(prefix, messages === undefined || messages === null ? MUST_BE_SPECIFIED : 'must be an array');
    return problems.items;
  }
  messages.forEach((message, index) => validateLineMessage(message, childPath(prefix, index), problems));
  return problems.items;
}

function validateLineMessage(message: unknown, path: string, problems: ProblemList): void {
  if (!isJsonObject(message)) {
    problems.add(path, 'must be an object');
    return;
  }
  if (message.type === undefined || message.type === null) {
    problems.add(childPath(path, 'type'), MUST_BE_SPECIFIED);
    return;
  }
  // hasOwn: a type such as `constructor` must not reach Object.prototype.
  const validator =
    typeof message.type === 'string' && Object.hasOwn(VALIDATORS, message.type) ? VALIDATORS[message.type] : undefined;
  if (!validator) {
    problems.add(childPath(path, 'type'), `Must be one of the following values: [${LINE_MESSAGE_TYPES.join(', ')}]`);
    return;
  }
  validator(message, path, problems);
  validateCommonProperties(message, path, problems);
}

export interface MessageCountOptions {
  property?: string;
  min?: number;
  max?: number;
}

/** The per-request count rule: LINE takes 1 to 5 message objects in one request. */
export function validateMessageCount(messages: unknown, options: MessageCountOptions = {}): LineMessageProblem[] {
  const property = options.property ?? 'messages';
  const min = options.min ?? MIN_MESSAGES_PER_REQUEST;
  const max = options.max ?? MAX_MESSAGES_PER_REQUEST;
  if (messages === undefined || messages === null) return [{ property, message: MUST_BE_SPECIFIED }];
  if (!Array.isArray(messages)) return [{ property, message: 'must be an array' }];
  if (messages.length < min || messages.length > max)
    return [{ property, message: `Size must be between ${min} and ${max}` }];
  return [];
}

/** How many Push requests one recipient needs for a campaign of `objectCount` message objects. */
export function requestsPerRecipient(objectCount: number): number {
  if (!Number.isInteger(objectCount) || objectCount < 0)
    throw new RangeError(`objectCount must be a non-negative integer, got ${objectCount}`);
  return Math.ceil(objectCount / MAX_MESSAGES_PER_REQUEST);
}

/**
 * Splits a campaign's message objects into the groups of at most 5 that go out as separate requests.
 * A send of no message object is a bug upstream (LINE would refuse it), so it throws.
 */
export function splitIntoRequests<T>(messages: readonly T[]): T[][] {
  if (messages.length === 0) throw new RangeError('a send needs at least one message object');
  const groups: T[][] = [];
  for (let start = 0; start < messages.length; start += MAX_MESSAGES_PER_REQUEST) {
    groups.push(messages.slice(start, start + MAX_MESSAGES_PER_REQUEST));
  }
  return groups;
}
