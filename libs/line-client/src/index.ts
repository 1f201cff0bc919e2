export type {
  BroadcastRequest,
  LineBotInfo,
  LineClient,
  LineClientConfig,
  LineClientFactory,
  LineConsumption,
  LineFollowerPage,
  LineMessageObject,
  LineQuota,
  LineValidateKind,
  MulticastRequest,
  PushRequest,
  PushResult,
} from './line-client';
export type {
  Accepted,
  DuplicateAccepted,
  LineErrorDetail,
  LineFailure,
  LineOutcome,
  LineOutcomeKind,
  LineSendOutcome,
  LineSentMessage,
  MonthlyLimit,
  NetworkError,
  RateLimited,
  RejectedInput,
  ServerError,
  TimedOut,
  Unauthorized,
} from './outcomes';
export { describeOutcome, isAcceptedOutcome, isRetryableOutcome } from './outcomes';
export { createLineClient, DEFAULT_RETRY_AFTER_MS, DEFAULT_TIMEOUT_MS, LINE_API_BASE_URL, SdkLineClient } from './sdk-line-client';
