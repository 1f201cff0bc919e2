export { retryDelayMs } from './backoff';
export type { BackoffPolicy } from './backoff';
export {
  MAX_OBJECTS_PER_REQUEST,
  MULTICAST_MAX_RECIPIENTS,
  requestRetryKey,
  splitIntoRequests,
  uuidV5,
} from './requests';
export { TokenBucket } from './token-bucket';
