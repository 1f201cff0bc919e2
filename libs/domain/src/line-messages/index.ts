export { lineBadRequestBody } from './problems';
export type { LineErrorBody, LineMessageProblem } from './problems';
export {
  LINE_MESSAGE_TYPES,
  MAX_MESSAGES_PER_REQUEST,
  MIN_MESSAGES_PER_REQUEST,
  requestsPerRecipient,
  splitIntoRequests,
  validateLineMessages,
  validateMessageCount,
} from './validate-line-messages';
export type { MessageCountOptions, ValidateLineMessagesOptions } from './validate-line-messages';
export { isLinePushTargetId, isLineUserId, LINE_USER_ID_PATTERN, MAX_MULTICAST_RECIPIENTS } from './user-ids';
export { TEXT_MAX_LENGTH } from './basic-messages';
export { ALT_TEXT_MAX, TEMPLATE_TYPES } from './template-message';
export {
  FLEX_BUBBLE_MAX_BYTES,
  FLEX_CAROUSEL_MAX_BYTES,
  FLEX_CAROUSEL_MAX_BUBBLES,
  FLEX_COMPONENT_TYPES,
} from './flex-message';
export { ACTION_TYPES } from './actions';
export { IMAGEMAP_ACTION_TYPES } from './imagemap-message';
